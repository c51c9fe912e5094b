using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// One object to apply, with the API resource it belongs to. It stays typed (a client model, or one of the
/// operator's Dapr models) until it is serialized for apply or printing.
/// </summary>
public sealed record RenderedObject(ResourceType Type, IKubernetesObject<V1ObjectMeta> Value)
{
    private JsonObject? json;

    public string Name => Value.Metadata.Name;

    /// <summary>The object as it is applied: apiVersion, kind, metadata, then the rest in the model's order.</summary>
    public JsonObject Object => json ??= Serialize(Value);

    private static JsonObject Serialize(IKubernetesObject<V1ObjectMeta> value)
    {
        var serialized = JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();
        var result = new JsonObject
        {
            ["apiVersion"] = value.ApiVersion,
            ["kind"] = value.Kind,
            ["metadata"] = ObjectMetadata.ToJson(value.Metadata),
        };
        foreach (var (key, node) in serialized)
        {
            if (key is not ("apiVersion" or "kind" or "metadata"))
            {
                result[key] = node?.DeepClone();
            }
        }
        return result;
    }
}

/// <summary>A Secret key the rendered objects depend on, and the spec field that named it (for error messages).</summary>
public sealed record SecretReference(string SecretName, string? Key, string FieldPath);

/// <param name="Objects">What to apply, in order.</param>
/// <param name="SecretReferences">Secret keys that must exist before anything is applied.</param>
/// <param name="IngestEndpoint">status.ingestEndpoint.</param>
/// <param name="QueryEndpoint">status.queryEndpoint.</param>
/// <param name="PubSubComponent">The Dapr pub/sub component publishers use (status.pubsubComponent).</param>
/// <param name="Topic">The topic publishers publish to (status.topic).</param>
/// <param name="GeneratedAppTokenSecret">
/// The app token Secret the controller must create (random value, never overwritten), or null when the spec names one.
/// </param>
/// <param name="GeneratedCursorKeySecret">
/// The store's cursor key Secret the controller must create (random value, never overwritten), or null without a store.
/// </param>
/// <param name="LogsEndpoint">The store's search API base URL (status.logsEndpoint), or null without a store.</param>
/// <param name="ProcessedTopic">The topic the processor publishes to (status.processedTopic), or null without processing.</param>
/// <param name="GeneratedRedactionKeySecret">
/// The processor's hash key Secret the controller must create (random value, never overwritten), or null unless
/// processing redacts in hash mode without spec.processing.redaction.hashKeySecretRef.
/// </param>
public sealed record RenderResult(
    IReadOnlyList<RenderedObject> Objects,
    IReadOnlyList<SecretReference> SecretReferences,
    string IngestEndpoint,
    string QueryEndpoint,
    string PubSubComponent,
    string Topic,
    string? GeneratedAppTokenSecret,
    string? GeneratedCursorKeySecret = null,
    string? LogsEndpoint = null,
    string? ProcessedTopic = null,
    string? GeneratedRedactionKeySecret = null)
{
    /// <summary>The Secrets the controller creates itself (so no precondition), for its Secret watch.</summary>
    public IEnumerable<string> GeneratedSecrets => new[] { GeneratedAppTokenSecret, GeneratedCursorKeySecret, GeneratedRedactionKeySecret }.OfType<string>();

    public IReadOnlyList<OwnedObjectReference> References()
    {
        var references = Objects.Select(o => new OwnedObjectReference { ApiVersion = o.Type.ApiVersion, Kind = o.Type.Kind, Name = o.Name }).ToList();
        foreach (var secret in GeneratedSecrets)
        {
            references.Add(new OwnedObjectReference { ApiVersion = KnownResources.Secrets.ApiVersion, Kind = KnownResources.Secrets.Kind, Name = secret });
        }
        return references;
    }
}
