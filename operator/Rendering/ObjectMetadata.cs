using System.Text.Json.Nodes;
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
    public static JsonObject Build(LogPipeline pipeline, string name, string component)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in PipelineLabels.For(pipeline.Metadata.Name, component))
        {
            labels[key] = value;
        }
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = pipeline.Metadata.NamespaceProperty,
            ["labels"] = labels,
        };
        if (!string.IsNullOrEmpty(pipeline.Metadata.Uid))
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = LogPipeline.ApiVersionValue,
                ["kind"] = LogPipeline.KindValue,
                ["name"] = pipeline.Metadata.Name,
                ["uid"] = pipeline.Metadata.Uid,
                ["controller"] = true,
            });
        }
        return metadata;
    }

    public static JsonObject Labels(IReadOnlyDictionary<string, string> labels)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in labels)
        {
            obj[key] = value;
        }
        return obj;
    }
}
