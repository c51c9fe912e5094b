using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Scheduling and metadata of a workload's pods, passed through to the Deployment's pod template, as the
/// OpenTelemetry Operator passes them from its collector spec. The fields use the Kubernetes types, so the CRD
/// schema validates them as the built-in kinds do.
/// </summary>
[Description("Pod template settings passed through to the Deployment: labels and annotations (keys the operator sets, and the dapr.io/ and logdapr.io/ prefixes, are refused: use the dedicated spec fields), scheduling and image pull secrets.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PodSettingsSpec
{
    [Description("Extra pod labels. The operator's own labels (app.kubernetes.io/{name,instance,component,part-of,managed-by}, logdapr.io/*) cannot be set: the Deployment's selector and the operator's caches depend on them.")]
    public Dictionary<string, string>? Labels { get; set; }

    [Description("Extra pod annotations. Annotations the operator sets, dapr.io/* (the Dapr sidecar's configuration comes from spec fields, e.g. sidecarResources and dapr) and logdapr.io/* cannot be set.")]
    public Dictionary<string, string>? Annotations { get; set; }

    [Description("Node labels a node must have to run the pods (pod spec nodeSelector).")]
    public Dictionary<string, string>? NodeSelector { get; set; }

    [Description("Pod tolerations.")]
    public List<V1Toleration>? Tolerations { get; set; }

    [Description("Pod affinity and anti-affinity, and node affinity.")]
    public V1Affinity? Affinity { get; set; }

    [Description("How the pods spread across zones, nodes or other topology domains.")]
    public List<V1TopologySpreadConstraint>? TopologySpreadConstraints { get; set; }

    [Description("Secrets (in the pipeline's namespace) with credentials for pulling the image.")]
    public List<V1LocalObjectReference>? ImagePullSecrets { get; set; }

    [Description("PriorityClass of the pods.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Length(1, 253)]
    public string? PriorityClassName { get; set; }
}
