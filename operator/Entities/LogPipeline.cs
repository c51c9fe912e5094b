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
// metadata.name is the only metadata a CRD's CEL rules may read at the root (with generateName, see
// apiextensions-apiserver's WithTypeAndObjectMeta). The pattern is checked before the length only for the order of the
// messages; both are evaluated. The limit is MaxNameLength: see its comment.
[CelRule("self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')", "metadata.name must be an RFC 1035 label (lower case letters, digits and '-', starting with a letter and ending with a letter or digit, no '.'): it names the pipeline's Services (<name>-ingest, <name>-aggregator), and a Service name must be one")]
[CelRule("size(self.metadata.name) <= 47", "metadata.name must be at most 47 characters: the Dapr app id <name>-aggregator plus the '-dapr' suffix of the Service Dapr creates for it must fit in a 63-character DNS label")]
public sealed class LogPipeline : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "logdapr.io";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "LogPipeline";
    public const string Plural = "logpipelines";
    public const string Singular = "logpipeline";
    public const string ShortName = "lp";

    /// <summary>
    /// The longest metadata.name whose derived names the API server and Dapr accept: the longest Dapr app id is
    /// &lt;name&gt;-aggregator (11 more characters), and Dapr's injector refuses an app id unless
    /// &lt;app id&gt;-dapr (the Service it creates) is a DNS-1123 label of at most 63 characters
    /// (dapr/dapr pkg/validation/validation.go, ValidateKubernetesAppID): 63 - 5 - 11 = 47. The CEL rule above
    /// repeats the number (attribute arguments cannot be computed); a test keeps them equal.
    /// </summary>
    public const int MaxNameLength = 47;

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
