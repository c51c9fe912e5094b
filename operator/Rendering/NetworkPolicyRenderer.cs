using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// spec.networkPolicy: one ingress NetworkPolicy per workload, named like the workload.
/// <para>
/// What reaches a pipeline pod, and why only clients and scrapers need rules: the app and its Dapr sidecar share the
/// pod's network namespace and talk over localhost (daprd calls the app port; the app calls daprd's HTTP 3500 and
/// gRPC 50001 API ports), which NetworkPolicy does not filter. daprd's internal gRPC port 50002 serves other sidecars'
/// service invocation and actors, which nothing in a pipeline uses, and its public port 3501 serves the kubelet's
/// probes, which NetworkPolicy always lets through. daprd itself dials out to the broker and the Dapr control plane
/// (operator, sentry, placement, scheduler), so the control plane needs no ingress rule. Ports: dapr/dapr v1.16
/// pkg/injector/patcher/sidecar.go (SidecarHTTPPort 3500, SidecarPublicPort 3501, dapr.io/grpc-port 50001,
/// dapr.io/internal-grpc-port 50002) and sidecar_container.go (the metrics container port, named dapr-metrics,
/// dapr.io/metrics-port, 9090 by default); Dapr docs "Dapr sidecar (daprd) overview" and the Kubernetes
/// NetworkPolicy docs ("traffic to and from the node where a Pod is running is always allowed").
/// </para>
/// Rules name ports by their container port names, so they follow dapr.io/metrics-port or an app port change.
/// </summary>
internal static class NetworkPolicyRenderer
{
    /// <summary>The daprd container's metrics port name (dapr/dapr pkg/injector/consts SidecarMetricsPortName).</summary>
    public const string DaprMetricsPortName = "dapr-metrics";

    /// <summary>The default scrapers: the Prometheus Operator labels its Prometheus pods app.kubernetes.io/name=prometheus.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultScraperLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = "prometheus",
    };

    public static IReadOnlyList<V1NetworkPolicy> Render(LogPipeline pipeline, ResourceNames names)
    {
        var spec = pipeline.Spec.NetworkPolicy;
        if (!spec.Enabled)
        {
            return [];
        }

        var scrapers = spec.MetricsFrom is { } metricsFrom
            ? metricsFrom.Select(Peer).ToList()
            : [new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector(), PodSelector = new V1LabelSelector { MatchLabels = DefaultScraperLabels.ToDictionary() } }];
        var ingestClients = spec.IngestFrom is { Count: > 0 } ingestFrom ? ingestFrom.Select(Peer).ToList() : null;
        var queryClients = spec.QueryFrom?.Select(Peer).ToList() ?? [];

        var queryRule = queryClients.Count > 0 ? AppRule(queryClients) : null;
        var policies = new List<V1NetworkPolicy>
        {
            // Ingest's clients reach its HTTP API and its OTLP/gRPC port alike (ingestFrom).
            Policy(pipeline, names.IngestDeployment, WorkloadRenderer.IngestComponent, AppRule(ingestClients, WorkloadRenderer.OtlpGrpcPortName), scrapers),
            Policy(pipeline, names.AggregatorDeployment, WorkloadRenderer.AggregatorComponent, queryRule, scrapers),
        };
        if (pipeline.Spec.Storage.Enabled)
        {
            // The store answers the same kind of clients as the aggregator's query API (GET /v1/logs): queryFrom.
            policies.Add(Policy(pipeline, names.StoreDeployment, WorkloadRenderer.StoreComponent, queryRule, scrapers));
        }
        if (ProcessingSpec.IsOn(pipeline.Spec))
        {
            // Nothing calls the processor but its own sidecar (from inside the pod) and the scrapers.
            policies.Add(Policy(pipeline, names.ProcessorDeployment, WorkloadRenderer.ProcessorComponent, null, scrapers));
        }
        if (pipeline.Spec.Routes is not null)
        {
            // Nor the router (ingress only: its calls out to the route sinks are egress, not restricted here).
            policies.Add(Policy(pipeline, names.RouterDeployment, WorkloadRenderer.RouterComponent, null, scrapers));
        }
        return policies;
    }

    /// <param name="clients">null: from anywhere.</param>
    /// <param name="otherPorts">Port names the clients reach besides the app's HTTP port.</param>
    private static V1NetworkPolicyIngressRule AppRule(List<V1NetworkPolicyPeer>? clients, params string[] otherPorts) => new()
    {
        FromProperty = clients,
        Ports = [Port(WorkloadRenderer.HttpPortName), .. otherPorts.Select(Port)],
    };

    private static V1NetworkPolicy Policy(LogPipeline pipeline, string name, string component, V1NetworkPolicyIngressRule? appRule, List<V1NetworkPolicyPeer> scrapers)
    {
        var rules = new List<V1NetworkPolicyIngressRule>();
        if (appRule is not null)
        {
            rules.Add(appRule);
        }
        if (scrapers.Count > 0)
        {
            // The app serves /metrics on its app port; the sidecar on its own.
            rules.Add(new V1NetworkPolicyIngressRule { FromProperty = scrapers, Ports = [Port(WorkloadRenderer.HttpPortName), Port(DaprMetricsPortName)] });
        }
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = ObjectMetadata.For(pipeline, name, component),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = PipelineLabels.Selector(pipeline.Metadata.Name, component) },
                PolicyTypes = ["Ingress"],
                // An empty list (no rule matches) denies all ingress to the selected pods.
                Ingress = rules,
            },
        };
    }

    private static V1NetworkPolicyPort Port(string name) => new() { Port = (IntOrString)name, Protocol = "TCP" };

    private static V1NetworkPolicyPeer Peer(NetworkPeerSpec peer) => new()
    {
        NamespaceSelector = Selector(peer.NamespaceSelector),
        PodSelector = Selector(peer.PodSelector),
        IpBlock = peer.IpBlock is { } block ? new V1IPBlock { Cidr = block.Cidr, Except = block.Except } : null,
    };

    private static V1LabelSelector? Selector(LabelSelectorSpec? selector) => selector is null
        ? null
        : new V1LabelSelector
        {
            MatchLabels = selector.MatchLabels,
            MatchExpressions = selector.MatchExpressions?.Select(e => new V1LabelSelectorRequirement
            {
                Key = e.Key,
                OperatorProperty = e.Operator.ToString(),
                Values = e.Values,
            }).ToList(),
        };
}
