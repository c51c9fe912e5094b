using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Informer caches of every kind the operator creates, limited to objects it manages. The reconciler asks them
/// what a LogPipeline owns (for pruning); each change is reported to <c>onChange</c> (the controller enqueues the
/// owner).
/// </summary>
public sealed class OwnedObjects
{
    private readonly List<Informer> informers = [];

    public OwnedObjects(IKubeApi api, IReadOnlyList<string?> namespaces, OperatorOptions options, ILoggerFactory loggerFactory, Action<JsonObject> onChange)
    {
        foreach (var ns in namespaces)
        {
            foreach (var type in KnownResources.Owned)
            {
                var informer = new Informer(api, type, ns, PipelineLabels.ManagedSelector, loggerFactory.CreateLogger<Informer>()) { MissingTypeRetryDelay = options.MissingTypeRetry };
                informer.OnEvent = (_, obj, _) => onChange(obj);
                informers.Add(informer);
            }
        }
    }

    public IReadOnlyList<Informer> Informers => informers;

    /// <summary>One object as the cache sees it now, or null.</summary>
    public JsonObject? Find(ResourceType type, string @namespace, string name) =>
        informers
            .Where(informer => informer.Type == type && (informer.Namespace is null || informer.Namespace == @namespace))
            .Select(informer => informer.TryGet($"{@namespace}/{name}", out var obj) ? obj : null)
            .FirstOrDefault(obj => obj is not null);

    /// <summary>Objects whose controller owner reference is the LogPipeline with this uid, as the caches see them now.</summary>
    public IReadOnlyList<(ResourceType Type, JsonObject Object)> OwnedBy(string @namespace, string pipelineName, string pipelineUid) =>
        informers
            .SelectMany(informer => informer.Items.Select(obj => (informer.Type, obj)))
            .Where(pair => pair.obj.Namespace() == @namespace
                && pair.obj.Label(PipelineLabels.Pipeline) == pipelineName
                && pair.obj.ControllerOwner() is { } owner
                && owner.GetString("uid") == pipelineUid)
            .ToList();
}
