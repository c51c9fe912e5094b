using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Ingress NetworkPolicies for the pipeline's pods. Only ingress: egress (broker, Postgres, DNS, the Dapr control
/// plane) depends on where those run, so it is left to the cluster's own policies.
/// </summary>
[Description("NetworkPolicies (ingress only) for the ingest, aggregator and store pods, <name>-ingest, <name>-aggregator and (with storage) <name>-store. Each app reaches its Dapr sidecar over localhost, which NetworkPolicy does not filter, and the sidecars only dial out (broker, Dapr control plane), so the pods need ingress only from their clients and metrics scrapers. Needs a CNI that enforces NetworkPolicy.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NetworkPolicySpec
{
    [Description("Render the NetworkPolicies. Off by default: once on, only the sources below reach the pods.")]
    public bool Enabled { get; set; }

    [Description("Who may send logs to ingest's app port. Omitted or empty: any source (ingest is the pipeline's entry point; use ingest.auth to authenticate clients).")]
    [Items(0, 32)]
    [NoSchemaDefault]
    public List<NetworkPeerSpec>? IngestFrom { get; set; }

    [Description("Who may call the aggregator's query API and the store's search API (their app ports). Omitted or empty: nobody besides the metrics scrapers (kubectl port-forward still works, it does not cross the pod network).")]
    [Items(0, 32)]
    [NoSchemaDefault]
    public List<NetworkPeerSpec>? QueryFrom { get; set; }

    [Description("Who may scrape metrics: the app's /metrics (app port) and the Dapr sidecar's (port dapr-metrics) on every workload. Omitted: pods labelled app.kubernetes.io/name=prometheus in any namespace (the Prometheus Operator's and kube-prometheus-stack's Prometheus pods). Empty: nobody.")]
    [Items(0, 32)]
    [NoSchemaDefault]
    public List<NetworkPeerSpec>? MetricsFrom { get; set; }
}

[Description("A source of traffic, as in a NetworkPolicy rule: pods (podSelector, in the pipeline's namespace unless namespaceSelector is set too), namespaces (namespaceSelector) or addresses (ipBlock).")]
[CelRule("has(self.ipBlock) != (has(self.namespaceSelector) || has(self.podSelector))", "set either ipBlock or namespaceSelector/podSelector", FieldPath = ".ipBlock")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NetworkPeerSpec
{
    [Description("Namespaces whose pods may connect ({} selects every namespace).")]
    public LabelSelectorSpec? NamespaceSelector { get; set; }

    [Description("Pods that may connect.")]
    public LabelSelectorSpec? PodSelector { get; set; }

    [Description("Addresses that may connect (e.g. a load balancer's or a node network's CIDR).")]
    public IpBlockSpec? IpBlock { get; set; }
}

[Description("A Kubernetes label selector.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LabelSelectorSpec
{
    [Description("Labels that must all match.")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    [Description("Requirements that must all match.")]
    [Items(0, 16)]
    public List<LabelSelectorRequirementSpec>? MatchExpressions { get; set; }
}

[Description("A label selector requirement.")]
[CelRule("(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)", "values must be non-empty for In and NotIn and absent for Exists and DoesNotExist", FieldPath = ".values")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LabelSelectorRequirementSpec
{
    [JsonRequired]
    [Description("The label key.")]
    [Length(1, 317)]
    public string Key { get; set; } = null!;

    [JsonRequired]
    [JsonPropertyName("operator")]
    [Description("In, NotIn, Exists or DoesNotExist.")]
    public LabelSelectorOperator Operator { get; set; }

    [Description("Values for In and NotIn.")]
    [Items(0, 64)]
    public List<string>? Values { get; set; }
}

public enum LabelSelectorOperator
{
    [JsonStringEnumMemberName("In")] In,
    [JsonStringEnumMemberName("NotIn")] NotIn,
    [JsonStringEnumMemberName("Exists")] Exists,
    [JsonStringEnumMemberName("DoesNotExist")] DoesNotExist,
}

[Description("An IP range.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IpBlockSpec
{
    [JsonRequired]
    [Description("A CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32.")]
    [Pattern(@"^[0-9a-fA-F:.]+/[0-9]{1,3}$")]
    [Length(3, 64)]
    public string Cidr { get; set; } = null!;

    [Description("CIDRs inside cidr to exclude.")]
    [Items(0, 32)]
    [ItemPattern(@"^[0-9a-fA-F:.]+/[0-9]{1,3}$")]
    public List<string>? Except { get; set; }
}
