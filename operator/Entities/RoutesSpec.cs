using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Routing to more sinks (issue 14): the aggregator binary in its Router role (Aggregator__Role=Router) as a
/// Deployment of its own, reading the topic the counter reads in a consumer group of its own, and sending each route's
/// matching events through a Dapr output binding the pipeline declares here. <see cref="Routes"/> is the routes
/// document the router reads (README "Routes"), with each route's binding renamed to its component; the other fields
/// are the operator's. What a condition means is the expression parser's to judge (checked before anything is applied).
/// </summary>
[Description("Routing to more sinks: each route forwards the events matching its condition, after processing, through one of the Dapr output bindings declared in bindings (a webhook, Kafka, object storage, any bindings.* component). It runs the aggregator's image in its Router role as the Deployment <metadata.name>-router, which reads the topic the aggregator reads (<pubsub.topic>-processed while processing is on) in a consumer group of its own, so a slow or failing route never delays counting or storage. Each binding is the Dapr Component <metadata.name>-route-<binding name>, loaded by the router only; the routes are written to the ConfigMap <metadata.name>-routes, which the router re-reads while it runs. Nothing is rendered when omitted.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RoutesSpec
{
    /// <summary>As the router's parser (RoutesParser.MaxRoutes).</summary>
    public const int MaxRoutes = 64;

    public const int MaxBindings = 16;

    /// <summary>As the router's parser (RoutesParser.MaxMetadataEntries and the key and value lengths).</summary>
    public const int MaxMetadataEntries = 16;
    public const int MaxMetadataKeyChars = 128;
    public const int MaxMetadataValueChars = 1024;

    [Description("Router pod replicas (competing consumers in the router's consumer group). Above 1 a PodDisruptionBudget keeps one available.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 1;

    [Description("Labels, annotations, scheduling (nodeSelector, tolerations, affinity, topologySpreadConstraints, priorityClassName) and imagePullSecrets of the router's pods.")]
    public PodSettingsSpec? Pod { get; set; }

    [Description("Resources of the router container.")]
    public ResourcesSpec Resources { get; set; } = ResourcesSpec.AppDefaults();

    [Description("Resources of the router's Dapr sidecar; the injector's defaults when omitted.")]
    public ResourcesSpec? SidecarResources { get; set; }

    [JsonRequired]
    [Description("The output bindings routes send to, each rendered as the Dapr Component <metadata.name>-route-<name> scoped to the router.")]
    [Items(1, MaxBindings)]
    [ListTypeMap("name")]
    public List<RouteBindingSpec> Bindings { get; set; } = null!;

    [JsonRequired]
    [Description("The routes, each independent of the others: an event matching several routes goes to each of them.")]
    [Items(1, MaxRoutes)]
    [ListTypeMap("name")]
    public List<RouteSpec> Routes { get; set; } = null!;
}

[Description("A Dapr output binding a route sends to.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RouteBindingSpec
{
    [JsonRequired]
    [Description("Name that routes refer to (route.binding); the component is <metadata.name>-route-<name>.")]
    [Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [Length(1, 40)]
    public string Name { get; set; } = null!;

    [JsonRequired]
    [Description("Dapr binding component type, e.g. bindings.http (a webhook), bindings.kafka, bindings.aws.s3, bindings.azure.blobstorage, bindings.gcp.bucket; it must support the route's operation (create for all of these).")]
    [Pattern(@"^bindings\.[a-z0-9]+([.-][a-z0-9]+)*$")]
    [Length(1, 128)]
    public string Type { get; set; } = null!;

    [Description("Component version.")]
    [Pattern("^v[0-9]+((alpha|beta)[0-9]*)?$")]
    [Length(1, 16)]
    public string Version { get; set; } = "v1";

    [Description("The component's metadata (as in a Dapr Component's spec.metadata; see the Dapr docs of the binding): each a plain value or a secretKeyRef to a Secret in the pipeline's namespace.")]
    [Items(0, 32)]
    [ListTypeMap("name")]
    public List<RouteBindingMetadataSpec>? Metadata { get; set; }
}

[Description("One metadata entry of a route binding.")]
[CelRule("has(self.value) != has(self.secretKeyRef)", "a route binding metadata entry needs exactly one of value and secretKeyRef")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RouteBindingMetadataSpec : IComponentMetadataEntry
{
    [JsonRequired]
    [Description("Metadata name, e.g. url, brokers, topics, bucket, accessKey.")]
    [Pattern(@"^[a-zA-Z][a-zA-Z0-9_.-]*$")]
    [Length(1, 128)]
    public string Name { get; set; } = null!;

    [Description("A plain value.")]
    [Length(0, 4096)]
    public string? Value { get; set; }

    [Description("A key of a Secret in the pipeline's namespace that Dapr reads the value from.")]
    public SecretKeySelector? SecretKeyRef { get; set; }
}

[Description("One route: the events matching when go to binding.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RouteSpec
{
    [JsonRequired]
    [Description("Unique name; part of the idempotency key of every call (<message id>/<route>/<chunk>), of the route's dead letters (<message id>/route:<name>) and of the route metric label.")]
    [Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [Length(1, 63)]
    public string Name { get; set; } = null!;

    [Description("Condition in the processing expression language (e.g. 'tenant_id == \"acme\" and severity >= error'); every event when omitted.")]
    [Length(1, 4096)]
    public string? When { get; set; }

    [JsonRequired]
    [Description("The name of one of bindings.")]
    [Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [Length(1, 40)]
    public string Binding { get; set; } = null!;

    [Description("The binding operation; create when omitted.")]
    [Pattern("^[a-z]{1,32}$")]
    [Length(1, 32)]
    public string? Operation { get; set; }

    [Description("Request metadata sent with every call (e.g. path for bindings.http, key for bindings.kafka); bindings.http sends keys that start with a capital letter as HTTP headers. At most 16 entries, keys of at most 128 and values of at most 1024 characters; Idempotency-Key is the router's own.")]
    [CelRule("self.size() <= 16", "a route has at most 16 metadata entries")]
    public Dictionary<string, string>? Metadata { get; set; }
}
