using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Controller;

/// <summary>The objects currently owned by a LogPipeline, as the informers' caches see them (used for pruning).</summary>
public interface IOwnedObjectIndex
{
    IReadOnlyList<(ResourceType Type, JsonObject Object)> OwnedBy(string @namespace, string pipelineName, string pipelineUid);
}
