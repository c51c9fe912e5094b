using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// The custom resource a platform team applies to get a running pipeline. Its schema (manifests/crds) is
/// generated from these types by <c>logdapr-operator crd</c>; tests fail when the checked-in CRD drifts.
/// </summary>
[Description("LogPipeline declares one LogDapr pipeline: ingest, a Dapr pub/sub topic, the aggregator and its Postgres sink. The operator reconciles it into Dapr components, subscriptions, a resiliency policy, Deployments and Services.")]
[CelRule("size(self.metadata.name) <= 50", "metadata.name must be at most 50 characters: it prefixes the names of the objects the operator creates (e.g. <name>-aggregator), which must fit in 63")]
public sealed class LogPipeline : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "logdapr.io";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "LogPipeline";
    public const string Plural = "logpipelines";
    public const string Singular = "logpipeline";
    public const string ShortName = "lp";

    public string ApiVersion { get; set; } = ApiVersionValue;

    public string Kind { get; set; } = KindValue;

    /// <summary>
    /// The client's own metadata type. Read with the operator's strict JSON options, which is fine for it: its
    /// members carry their JSON names, and the fields the operator never reads (managedFields...) are kept, not refused.
    /// </summary>
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonRequired]
    [Description("Desired state of the pipeline.")]
    public LogPipelineSpec Spec { get; set; } = null!;

    [Description("Observed state, written by the operator.")]
    public LogPipelineStatus? Status { get; set; }

    /// <summary>"namespace/name", the work-queue key.</summary>
    [JsonIgnore]
    public string Key => $"{Metadata.NamespaceProperty}/{Metadata.Name}";
}
