using LogDapr.TestSupport;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace LogDapr.Observability.Tests.Support;

/// <summary>The chart rendered by `helm template` with the monitoring values on, as JSON documents.</summary>
public static class ChartDocuments
{
    public static string ChartPath => Repository.Path("charts", "logdapr");

    public static string DashboardFile => Path.Combine(ChartPath, "dashboards", "logdapr-pipeline.json");

    public static IReadOnlyList<JsonObject> Render(params string[] values)
    {
        var arguments = new List<string> { "template", "rel", ChartPath, "--namespace", "ops" };
        foreach (var value in values)
        {
            arguments.Add("--set");
            arguments.Add(value);
        }

        var (exit, output) = ExternalTools.Run(ExternalTools.Helm, [.. arguments]);
        Assert.True(exit == 0, "helm template failed:\n" + output);
        return Parse(output);
    }

    public static IReadOnlyList<JsonObject> RenderWithMonitoring() => Render(
        "monitoring.podMonitor.enabled=true", "monitoring.dashboards.enabled=true", "monitoring.prometheusRule.enabled=true");

    /// <summary>Multi-document YAML to JSON (through YamlDotNet's JSON-compatible serializer, so types survive).</summary>
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize(parser);
            if (document is not null && JsonNode.Parse(json.Serialize(document)) is JsonObject obj)
            {
                documents.Add(obj);
            }
        }

        return documents;
    }
}
