using System.Text.Json.Nodes;
using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

internal static class ObjectMetadata
{
    /// <summary>
    /// name, namespace, labels and (when the pipeline has a uid, i.e. it came from the API server) the controller
    /// owner reference that makes the garbage collector delete the object with its LogPipeline.
    /// blockOwnerDeletion is left unset: it only matters for foreground deletion and would need extra RBAC
    /// (update on logpipelines/finalizers) on clusters that enforce owner-reference permissions.
    /// </summary>
    public static V1ObjectMeta For(LogPipeline pipeline, string name, string component) => new()
    {
        Name = name,
        NamespaceProperty = pipeline.Metadata.NamespaceProperty,
        Labels = PipelineLabels.For(pipeline.Metadata.Name, component),
        OwnerReferences = string.IsNullOrEmpty(pipeline.Metadata.Uid)
            ? null
            :
            [
                new V1OwnerReference
                {
                    ApiVersion = LogPipeline.ApiVersionValue,
                    Kind = LogPipeline.KindValue,
                    Name = pipeline.Metadata.Name,
                    Uid = pipeline.Metadata.Uid,
                    Controller = true,
                },
            ],
    };

    /// <summary>The same metadata as JSON, for the objects the controller writes untyped (the app token Secret).</summary>
    public static JsonObject Build(LogPipeline pipeline, string name, string component) => ToJson(For(pipeline, name, component));

    /// <summary>
    /// Metadata in the order people read it (name, namespace, labels, owner), not the client's alphabetical one,
    /// so `render` output and the golden files stay easy to review.
    /// </summary>
    public static JsonObject ToJson(V1ObjectMeta metadata)
    {
        var json = new JsonObject
        {
            ["name"] = metadata.Name,
            ["namespace"] = metadata.NamespaceProperty,
            ["labels"] = Labels(metadata.Labels),
        };
        if (metadata.OwnerReferences is { Count: > 0 } owners)
        {
            json["ownerReferences"] = new JsonArray([.. owners.Select(owner => (JsonNode)new JsonObject
            {
                ["apiVersion"] = owner.ApiVersion,
                ["kind"] = owner.Kind,
                ["name"] = owner.Name,
                ["uid"] = owner.Uid,
                ["controller"] = owner.Controller,
            })]);
        }
        return json;
    }

    public static JsonObject Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in labels)
        {
            obj[key] = value;
        }
        return obj;
    }
}
