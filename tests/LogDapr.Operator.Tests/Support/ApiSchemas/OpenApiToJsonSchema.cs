using System.Text.Json.Nodes;

namespace LogDapr.Operator.Tests.Support.ApiSchemas;

/// <summary>
/// OpenAPI v3 schemas as the API server reads them, rewritten as JSON Schema (draft 2020-12) so a standard validator
/// can evaluate them. What the API server does that plain JSON Schema does not is made explicit here:
/// <list type="bullet">
/// <item>Unknown fields are errors (the strict variant: kubectl's and the operator's field validation refuse them;
/// without it they would be silently dropped, which is as bad for a rendered object). Built-in kinds: every object
/// with <c>properties</c> is closed. Custom resources: every <c>type: object</c> without
/// <c>x-kubernetes-preserve-unknown-fields</c> or <c>additionalProperties</c> is closed, properties or not
/// (a structural schema prunes the content of an object that lists no properties).</item>
/// <item><c>x-kubernetes-int-or-string</c>: an integer or a string.</item>
/// <item><c>x-kubernetes-embedded-resource</c>: apiVersion, kind and metadata are allowed.</item>
/// </list>
/// Descriptions, formats and vendor extensions are dropped: formats are not what the API server validates for these
/// fields (int32 and int64 are range notes, "int-or-string" is handled above).
/// </summary>
public static class OpenApiToJsonSchema
{
    private const string OpenApiRefPrefix = "#/components/schemas/";

    public const string DefinitionsRefPrefix = "#/$defs/";

    private static readonly HashSet<string> Dropped = ["description", "format", "default", "example", "readOnly", "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource"];

    /// <summary>A built-in kind's definition (from the apiserver's OpenAPI v3 document).</summary>
    public static JsonNode Builtin(JsonNode schema) => Convert(schema, customResource: false);

    /// <summary>A CRD's openAPIV3Schema (a structural schema).</summary>
    public static JsonNode CustomResource(JsonNode schema) => Convert(schema, customResource: true);

    private static JsonNode Convert(JsonNode schema, bool customResource)
    {
        if (schema is not JsonObject source)
        {
            return schema.DeepClone();
        }

        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (Dropped.Contains(key) || (key.StartsWith("x-", StringComparison.Ordinal)) || value is null)
            {
                continue;
            }
            switch (key)
            {
                case "$ref":
                    result[key] = value.GetValue<string>().Replace(OpenApiRefPrefix, DefinitionsRefPrefix, StringComparison.Ordinal);
                    break;
                case "properties" or "patternProperties":
                    var properties = new JsonObject();
                    foreach (var (name, property) in value.AsObject())
                    {
                        properties[name] = Convert(property!, customResource);
                    }
                    result[key] = properties;
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    result[key] = new JsonArray([.. value.AsArray().Select(s => Convert(s!, customResource))]);
                    break;
                case "items" or "not":
                    result[key] = Convert(value, customResource);
                    break;
                case "additionalProperties":
                    result[key] = value is JsonObject ? Convert(value, customResource) : value.DeepClone();
                    break;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }

        if (source["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            result.Remove("type");
            result["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
        }

        var preserveUnknown = source["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        var embedded = source["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true;
        if (embedded && result["properties"] is JsonObject embeddedProperties)
        {
            embeddedProperties.TryAdd("apiVersion", new JsonObject { ["type"] = "string" });
            embeddedProperties.TryAdd("kind", new JsonObject { ["type"] = "string" });
            embeddedProperties.TryAdd("metadata", new JsonObject { ["type"] = "object" });
        }
        var isObject = source["type"]?.GetValue<string>() == "object";
        var closes = customResource
            ? isObject && !preserveUnknown && !source.ContainsKey("additionalProperties") && !(embedded && !source.ContainsKey("properties"))
            : source.ContainsKey("properties") && !preserveUnknown && !source.ContainsKey("additionalProperties");
        if (closes)
        {
            result["additionalProperties"] = false;
        }
        return result;
    }
}
