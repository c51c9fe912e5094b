using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Rendering;

/// <summary>One object to apply, with the API resource it belongs to.</summary>
public sealed record RenderedObject(ResourceType Type, JsonObject Object)
{
    public string Name => Object.Name();
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
public sealed record RenderResult(
    IReadOnlyList<RenderedObject> Objects,
    IReadOnlyList<SecretReference> SecretReferences,
    string IngestEndpoint,
    string QueryEndpoint,
    string PubSubComponent,
    string Topic,
    string? GeneratedAppTokenSecret)
{
    public IReadOnlyList<OwnedObjectReference> References()
    {
        var references = Objects.Select(o => new OwnedObjectReference { ApiVersion = o.Type.ApiVersion, Kind = o.Type.Kind, Name = o.Name }).ToList();
        if (GeneratedAppTokenSecret is { } secret)
        {
            references.Add(new OwnedObjectReference { ApiVersion = KnownResources.Secrets.ApiVersion, Kind = KnownResources.Secrets.Kind, Name = secret });
        }
        return references;
    }
}

