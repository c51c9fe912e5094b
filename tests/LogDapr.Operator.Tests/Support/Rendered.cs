using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Tests.Support;

/// <summary>Renders a LogPipeline given as YAML and reads the pieces rendering tests look at.</summary>
public static class Rendered
{
    /// <summary>A LogPipeline "p" in namespace "ns" with <paramref name="spec"/> (YAML, indented two spaces) as its spec.</summary>
    public static string Pipeline(string spec) => "apiVersion: logdapr.io/v1alpha1\nkind: LogPipeline\nmetadata: {name: p, namespace: ns}\nspec:\n" + spec;

    public static RenderResult Render(string yaml) => PipelineRenderer.Render(LogPipelineDocuments.Parse(yaml).Single());

    public static RenderResult Sample(string sample) => Render(Samples.Read(sample));

    public static JsonObject Find(RenderResult result, ResourceType type, string name) =>
        result.Objects.Single(o => o.Type == type && o.Name == name).Object;

    /// <summary>The Dapr component metadata as name -> value (secretKeyRef entries as "secret:NAME/KEY").</summary>
    public static Dictionary<string, string> ComponentMetadata(JsonObject component) =>
        component["spec"]!["metadata"]!.AsArray().OfType<JsonObject>().ToDictionary(
            m => m["name"]!.GetValue<string>(),
            m => m["value"]?.GetValue<string>() ?? $"secret:{m["secretKeyRef"]!["name"]}/{m["secretKeyRef"]!["key"]}");

    public static List<string> Scopes(JsonObject obj) => obj["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    public static JsonObject PodAnnotations(JsonObject deployment) => deployment["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();

    public static string? Annotation(JsonObject deployment, string name) => PodAnnotations(deployment)[name]?.GetValue<string>();

    public static Dictionary<string, JsonObject> Env(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().OfType<JsonObject>()
            .ToDictionary(e => e["name"]!.GetValue<string>(), e => e);
}
