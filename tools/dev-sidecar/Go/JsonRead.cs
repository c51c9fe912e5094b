using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogDapr.DevSidecar.Go;

/// <summary>
/// Lenient accessors for JSON that came from YAML (everything a string) or from an app (real JSON types),
/// with case-insensitive property names because Go's encoding/json, which daprd uses, matches that way.
/// </summary>
public static class JsonRead
{
    public static JsonNode? Get(this JsonNode? node, string name)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public static string? GetString(this JsonNode? node, string name) => AsString(node.Get(name));

    public static string? AsString(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static int? GetInt(this JsonNode? node, string name)
    {
        var text = AsString(node.Get(name));
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    public static bool? GetBool(this JsonNode? node, string name)
    {
        var text = AsString(node.Get(name));
        return bool.TryParse(text, out var b) ? b : null;
    }

    public static IEnumerable<JsonNode?> GetArray(this JsonNode? node, string name) =>
        node.Get(name) is JsonArray array ? array : [];

    /// <summary>A string map from a JSON object; non-string values are kept in their JSON text form.</summary>
    public static Dictionary<string, string> GetStringMap(this JsonNode? node, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Get(name) is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                map[key] = AsString(value) ?? value?.ToJsonString() ?? "";
            }
        }

        return map;
    }
}
