using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// A JSON Schema evaluator for the keywords the LogEvent schema uses, so tests can check the published schema
/// against the reader without a schema library. Unknown keywords throw: a schema change that needs new semantics
/// must extend this evaluator instead of being silently ignored.
/// </summary>
internal static class MiniJsonSchema
{
    private static readonly HashSet<string> Annotations =
        ["$schema", "$id", "title", "description", "examples", "format", "$comment", "default"];

    public static bool IsValid(JsonElement schema, JsonElement instance)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return true;
        }
        if (schema.ValueKind == JsonValueKind.False)
        {
            return false;
        }
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Check(keyword, schema, instance))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Check(JsonProperty keyword, JsonElement schema, JsonElement instance)
    {
        var value = keyword.Value;
        switch (keyword.Name)
        {
            case var name when Annotations.Contains(name):
                return true;
            case "type":
                return value.ValueKind == JsonValueKind.String
                    ? HasType(instance, value.GetString()!)
                    : value.EnumerateArray().Any(t => HasType(instance, t.GetString()!));
            case "enum":
                return value.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance));
            case "oneOf":
                return value.EnumerateArray().Count(s => IsValid(s, instance)) == 1;
            case "anyOf":
                return value.EnumerateArray().Any(s => IsValid(s, instance));
            case "minLength":
                return instance.ValueKind != JsonValueKind.String || CodePoints(instance) >= value.GetInt32();
            case "maxLength":
                return instance.ValueKind != JsonValueKind.String || CodePoints(instance) <= value.GetInt32();
            case "pattern":
                return instance.ValueKind != JsonValueKind.String || EcmaRegex(value.GetString()!).IsMatch(instance.GetString()!);
            case "minimum":
                return instance.ValueKind != JsonValueKind.Number || Number(instance) >= value.GetDouble();
            case "maximum":
                return instance.ValueKind != JsonValueKind.Number || Number(instance) <= value.GetDouble();
            case "required":
                return instance.ValueKind != JsonValueKind.Object
                    || value.EnumerateArray().All(name => instance.TryGetProperty(name.GetString()!, out _));
            case "maxProperties":
                return instance.ValueKind != JsonValueKind.Object || instance.EnumerateObject().Count() <= value.GetInt32();
            case "properties":
                return instance.ValueKind != JsonValueKind.Object || instance.EnumerateObject().All(p =>
                    !value.TryGetProperty(p.Name, out var propertySchema) || IsValid(propertySchema, p.Value));
            case "additionalProperties":
                return instance.ValueKind != JsonValueKind.Object || instance.EnumerateObject().All(p =>
                    (schema.TryGetProperty("properties", out var declared) && declared.TryGetProperty(p.Name, out _))
                    || IsValid(value, p.Value));
            case "propertyNames":
                return instance.ValueKind != JsonValueKind.Object || instance.EnumerateObject().All(p =>
                    IsValid(value, JsonDocument.Parse(JsonSerializer.Serialize(p.Name)).RootElement));
            default:
                throw new NotSupportedException($"schema keyword '{keyword.Name}' is not supported by {nameof(MiniJsonSchema)}");
        }
    }

    private static bool HasType(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && Number(instance) is var d && (double.IsInfinity(d) || d == Math.Floor(d)),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"type '{type}'"),
    };

    // Overflow gives +-Infinity, which compares correctly against minimum/maximum.
    private static double Number(JsonElement instance) => double.Parse(instance.GetRawText(), CultureInfo.InvariantCulture);

    // JSON Schema counts characters as code points.
    private static int CodePoints(JsonElement instance) => instance.GetString()!.EnumerateRunes().Count();

    // ECMA-262 '$' matches only at the very end; .NET's also matches before a final '\n'.
    private static Regex EcmaRegex(string pattern) => Regexes.GetOrAdd(pattern, static p =>
        new Regex(Regex.Replace(p, @"(?<!\\)\$", @"\z"), RegexOptions.CultureInvariant));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Regexes = new();
}
