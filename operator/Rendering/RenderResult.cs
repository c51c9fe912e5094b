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

public sealed record RenderResult(
    IReadOnlyList<RenderedObject> Objects,
    IReadOnlyList<SecretReference> SecretReferences,
    string IngestEndpoint,
    string QueryEndpoint)
{
    public IReadOnlyList<OwnedObjectReference> References() =>
        Objects.Select(o => new OwnedObjectReference { ApiVersion = o.Type.ApiVersion, Kind = o.Type.Kind, Name = o.Name }).ToList();
}

