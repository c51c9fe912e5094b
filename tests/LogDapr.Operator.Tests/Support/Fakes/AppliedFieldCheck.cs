using System.Text.Json.Nodes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// What the apiserver's server-side apply does with a field the stored CRD's schema does not declare: the patch
/// cannot be converted to the schema's type (structured-merge-diff's validatingObjectWalker), so the request fails
/// whatever fieldValidation says, with "failed to create typed patch object (ns/name; group/version, Kind=K):
/// .spec.x: field not declared in schema" and, today, HTTP 500 (kubernetes/kubernetes#122480, #139253; #139255
/// proposes 400). Nothing is pruned silently on this path; fieldValidation=Strict adds the refusal of duplicate
/// fields, which parsed JSON cannot carry here. Written for the fake, independently of the operator's SchemaPruning.
/// </summary>
internal static class AppliedFieldCheck
{
    /// <summary>Each undeclared field as ".spec.x" (list items by index, as the walker reports them).</summary>
    public static List<string> Undeclared(JsonObject obj, JsonObject schema)
    {
        var found = new List<string>();
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            Visit("." + name, value, Declared(schema, name), found);
        }
        return found;
    }

    private static void Visit(string path, JsonNode? value, JsonNode? schema, List<string> found)
    {
        if (schema is null)
        {
            found.Add(path);
            return;
        }
        if (schema is not JsonObject described || described["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true)
        {
            return;
        }
        if (value is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                Visit($"{path}.{name}", child, Declared(described, name), found);
            }
        }
        else if (value is JsonArray array && described["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Visit($"{path}[{i}]", array[i], items, found);
            }
        }
    }

    /// <summary>A declared property, else additionalProperties (a schema, or true for anything), else null: undeclared.</summary>
    private static JsonNode? Declared(JsonObject schema, string name)
    {
        if (schema["properties"]?[name] is JsonObject property)
        {
            return property;
        }
        return schema["additionalProperties"] switch
        {
            JsonObject additional => additional,
            JsonValue allowed when allowed.GetValue<bool>() => allowed,
            _ => null,
        };
    }
}
