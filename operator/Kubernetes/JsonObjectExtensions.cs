using System.Text.Json.Nodes;

namespace LogDapr.Operator.Kubernetes;

/// <summary>Accessors for the metadata of untyped Kubernetes objects.</summary>
public static class JsonObjectExtensions
{
    public static JsonObject Metadata(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }
        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string Name(this JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static string? Namespace(this JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();

    public static string? Uid(this JsonObject obj) => obj["metadata"]?["uid"]?.GetValue<string>();

    public static string? ResourceVersion(this JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    public static long Generation(this JsonObject obj) => obj["metadata"].GetLong("generation") ?? 0;

    public static string? Label(this JsonObject obj, string key) => obj["metadata"]?["labels"]?[key]?.GetValue<string>();

    public static string Key(this JsonObject obj) => obj.Namespace() is { Length: > 0 } ns ? $"{ns}/{obj.Name()}" : obj.Name();

    /// <summary>The ownerReference with controller: true, if any.</summary>
    public static JsonObject? ControllerOwner(this JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?
            .OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true);

    public static string? GetString(this JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static long? GetLong(this JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<long>(out var l) ? l
        : node?[property] is JsonValue v2 && v2.TryGetValue<int>(out var i) ? i
        : null;
}
