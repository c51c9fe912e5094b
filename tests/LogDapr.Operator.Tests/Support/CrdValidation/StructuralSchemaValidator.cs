using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogDapr.Operator.Tests.Support.CrdValidation;

/// <summary>
/// What the API server does with a custom resource before storing it, for the parts of OpenAPI v3 structural
/// schemas the LogPipeline CRD uses: defaulting, then type, required, enum, pattern, minimum/maximum (integer and number),
/// minLength/maxLength, format date-time, minItems/maxItems, items, x-kubernetes-list-type set and map, additionalProperties, x-kubernetes-int-or-string, unknown
/// fields (strict field validation, as kubectl does by default) and x-kubernetes-validations (CEL) — all read
/// from the CRD, nothing hard-coded. Errors use the API server's wording ("spec.x: Required value").
/// </summary>
public sealed partial class StructuralSchemaValidator
{
    private readonly JsonObject rootSchema;

    public StructuralSchemaValidator(JsonObject openApiV3Schema) => rootSchema = openApiV3Schema;

    /// <summary>The openAPIV3Schema of the storage version of a CRD document.</summary>
    public static StructuralSchemaValidator FromCrd(JsonObject crd)
    {
        var version = crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>().First(v => v["storage"]?.GetValue<bool>() == true);
        return new StructuralSchemaValidator(version["schema"]!["openAPIV3Schema"]!.AsObject());
    }

    public JsonObject Schema => rootSchema;

    /// <summary>Defaults (in place, on a copy) then validates; returns the defaulted object and the errors.</summary>
    public (JsonObject Defaulted, IReadOnlyList<string> Errors) Validate(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        ApplyDefaults(copy, rootSchema);
        var errors = new List<string>();
        ValidateNode(copy, rootSchema, "", errors, isRoot: true);
        return (copy, errors);
    }

    /// <summary>Structural defaulting: a missing property with a default gets it, recursively (defaults are defaulted too).</summary>
    public static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchemaNode) in properties)
            {
                var propertySchema = propertySchemaNode!.AsObject();
                if (!obj.ContainsKey(name) && propertySchema["default"] is { } defaultValue)
                {
                    obj[name] = defaultValue.DeepClone();
                }
                if (obj[name] is { } child)
                {
                    ApplyDefaults(child, propertySchema);
                }
            }
        }
        else if (node is JsonObject map && schema["additionalProperties"] is JsonObject valueSchema)
        {
            foreach (var (_, value) in map.ToList())
            {
                ApplyDefaults(value, valueSchema);
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            foreach (var item in array)
            {
                ApplyDefaults(item, itemSchema);
            }
        }
    }

    /// <summary>Checks that every default in the schema is itself valid (the API server rejects a CRD otherwise).</summary>
    public IReadOnlyList<string> ValidateDefaults()
    {
        var errors = new List<string>();
        CheckDefaults(rootSchema, "", errors);
        return errors;
    }

    private void CheckDefaults(JsonObject schema, string path, List<string> errors)
    {
        if (schema["default"] is { } defaultValue)
        {
            var copy = defaultValue.DeepClone();
            ApplyDefaults(copy, schema);
            ValidateNode(copy, schema, path, errors, isRoot: false);
        }
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                CheckDefaults(child!.AsObject(), Join(path, name), errors);
            }
        }
        if (schema["items"] is JsonObject items)
        {
            CheckDefaults(items, path + "[*]", errors);
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => node.ToJsonString(),
    };

    private void ValidateNode(JsonNode? node, JsonObject schema, string path, List<string> errors, bool isRoot)
    {
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var type = schema["type"]?.GetValue<string>();
        if (node is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true)
            {
                errors.Add($"{path}: Invalid value: \"null\": {path} in body must be of type {type ?? "object"}: \"null\"");
            }
            return;
        }

        if (intOrString)
        {
            if (node is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
            {
                errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type integer or string");
                return;
            }
            if (scalar.GetValueKind() == JsonValueKind.String)
            {
                CheckString(scalar.GetValue<string>(), schema, path, errors);
            }
            return;
        }

        switch (type)
        {
            case "object":
                if (node is not JsonObject obj)
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type object: {Describe(node)}");
                    return;
                }
                ValidateObject(obj, schema, path, errors, isRoot);
                break;
            case "array":
                if (node is not JsonArray array)
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type array: {Describe(node)}");
                    return;
                }
                if (schema["minItems"] is { } minItems && array.Count < minItems.GetValue<long>())
                {
                    errors.Add($"{path}: Invalid value: {array.Count}: {path} in body should have at least {minItems} items");
                }
                if (schema["maxItems"] is { } maxItems && array.Count > maxItems.GetValue<long>())
                {
                    errors.Add($"{path}: Too many: {array.Count}: must have at most {maxItems} items");
                }
                if (schema["items"] is JsonObject itemSchema)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        ValidateNode(array[i], itemSchema, $"{path}[{i}]", errors, isRoot: false);
                    }
                }
                if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray mapKeys)
                {
                    var keys = mapKeys.Select(k => k!.GetValue<string>()).ToList();
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array.Take(i).Any(earlier => keys.All(k => JsonNode.DeepEquals(earlier?[k], array[i]?[k]))))
                        {
                            errors.Add($"{path}[{i}]: Duplicate value: {{{string.Join(", ", keys.Select(k => $"\"{k}\":{array[i]?[k]?.ToJsonString()}"))}}}");
                        }
                    }
                }
                if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "set")
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array.Take(i).Any(earlier => JsonNode.DeepEquals(earlier, array[i])))
                        {
                            errors.Add($"{path}[{i}]: Duplicate value: {array[i]?.ToJsonString()}");
                        }
                    }
                }
                break;
            case "string":
                if (node is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type string: {Describe(node)}");
                    return;
                }
                CheckString(s.GetValue<string>(), schema, path, errors);
                break;
            case "integer":
                if (node is not JsonValue n || n.GetValueKind() != JsonValueKind.Number || !long.TryParse(n.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type integer: {Describe(node)}");
                    return;
                }
                if (schema["minimum"] is { } minimum && number < minimum.GetValue<long>())
                {
                    errors.Add($"{path}: Invalid value: {number}: {path} in body should be greater than or equal to {minimum}");
                }
                if (schema["maximum"] is { } maximum && number > maximum.GetValue<long>())
                {
                    errors.Add($"{path}: Invalid value: {number}: {path} in body should be less than or equal to {maximum}");
                }
                CheckEnum(node, schema, path, errors);
                break;
            case "number":
                if (node is not JsonValue d || d.GetValueKind() != JsonValueKind.Number)
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type number: {Describe(node)}");
                    return;
                }
                var real = double.Parse(d.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (schema["minimum"] is { } low && real < double.Parse(low.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture))
                {
                    errors.Add($"{path}: Invalid value: {d.ToJsonString()}: {path} in body should be greater than or equal to {low.ToJsonString()}");
                }
                if (schema["maximum"] is { } high && real > double.Parse(high.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture))
                {
                    errors.Add($"{path}: Invalid value: {d.ToJsonString()}: {path} in body should be less than or equal to {high.ToJsonString()}");
                }
                break;
            case "boolean":
                if (node is not JsonValue b || b.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: Invalid value: {Show(node)}: {path} in body must be of type boolean: {Describe(node)}");
                }
                break;
            case null:
                break;
            default:
                throw new NotSupportedException($"schema type {type} at {path}");
        }
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "\"string\"",
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? "\"integer\"" : "\"number\"",
            JsonValueKind.True or JsonValueKind.False => "\"boolean\"",
            _ => "\"null\"",
        },
        _ => "\"unknown\"",
    };

    private void ValidateObject(JsonObject obj, JsonObject schema, string path, List<string> errors, bool isRoot)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()))
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{Join(path, name)}: Required value");
                }
            }
        }
        foreach (var (name, value) in obj)
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                ValidateNode(value, propertySchema, Join(path, name), errors, isRoot: false);
            }
            else if (schema["additionalProperties"] is JsonObject valueSchema)
            {
                ValidateNode(value, valueSchema, Join(path, name), errors, isRoot: false);
            }
            else if (properties is not null && !(isRoot && name is "apiVersion" or "kind" or "metadata"))
            {
                errors.Add($"{Join(path, name)}: unknown field \"{Join(path, name)}\"");
            }
        }

        // CEL rules run only on a value that is otherwise valid, as in the API server.
        if (errors.Count == 0 && schema["x-kubernetes-validations"] is JsonArray rules)
        {
            foreach (var rule in rules.OfType<JsonObject>())
            {
                var expression = rule["rule"]!.GetValue<string>();
                var message = rule["message"]?.GetValue<string>() ?? $"failed rule: {expression}";
                var reportedPath = path + (rule["fieldPath"]?.GetValue<string>() ?? "");
                if (reportedPath.StartsWith('.'))
                {
                    reportedPath = reportedPath[1..];
                }
                try
                {
                    if (!CelEvaluator.EvaluateRule(expression, obj))
                    {
                        errors.Add($"{(reportedPath.Length == 0 ? "<root>" : reportedPath)}: Invalid value: \"object\": {message}");
                    }
                }
                catch (CelException e)
                {
                    errors.Add($"{(reportedPath.Length == 0 ? "<root>" : reportedPath)}: Invalid value: \"object\": evaluating rule \"{expression}\": {e.Message}");
                }
            }
        }
    }

    private static void CheckString(string value, JsonObject schema, string path, List<string> errors)
    {
        var length = value.EnumerateRunes().Count();
        if (schema["minLength"] is { } minLength && length < minLength.GetValue<long>())
        {
            errors.Add($"{path}: Invalid value: \"{value}\": {path} in body should be at least {minLength} chars long");
        }
        if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<long>())
        {
            errors.Add($"{path}: Too long: may not be more than {maxLength} bytes");
        }
        if (schema["pattern"] is { } pattern && !Regex.IsMatch(value, pattern.GetValue<string>(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: Invalid value: \"{value}\": {path} in body should match '{pattern}'");
        }
        if (schema["format"]?.GetValue<string>() == "date-time" && !DateTimePattern().IsMatch(value))
        {
            errors.Add($"{path}: Invalid value: \"{value}\": {path} in body must be of type date-time: \"{value}\"");
        }
        CheckEnum(JsonValue.Create(value), schema, path, errors);
    }

    /// <summary>RFC 3339 date-time, as the API server's format checker (go-openapi strfmt) reads it.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\z")]
    private static partial Regex DateTimePattern();

    private static void CheckEnum(JsonNode node, JsonObject schema, string path, List<string> errors)
    {
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            var supported = string.Join(", ", allowed.Select(a => a!.ToJsonString()));
            errors.Add($"{path}: Unsupported value: {node.ToJsonString()}: supported values: {supported}");
        }
    }
}
