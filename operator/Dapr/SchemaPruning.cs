using System.Text.Json.Nodes;

namespace LogDapr.Operator.Dapr;

/// <summary>
/// The fields of an object that a CRD's structural schema does not describe. The API server drops (prunes) them
/// without an error, so an object rendered for a newer Dapr than the installed CRDs would be stored without them,
/// e.g. a Subscription without spec.bulkSubscribe that Dapr then delivers one message at a time.
/// </summary>
public static class SchemaPruning
{
    /// <summary>Dotted paths (list items as "[]") that <paramref name="schema"/> would prune from <paramref name="obj"/>.</summary>
    public static IReadOnlyList<string> PrunedFields(JsonObject obj, JsonObject schema)
    {
        var pruned = new List<string>();
        foreach (var (name, value) in obj)
        {
            // The API server handles these itself (ObjectMeta is never pruned by a CRD schema).
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            Walk(name, value, Property(schema, name), pruned);
        }
        return pruned;
    }

    private static void Walk(string path, JsonNode? value, JsonNode? schema, List<string> pruned)
    {
        if (schema is not JsonObject described)
        {
            if (schema is JsonValue allowed && allowed.TryGetValue<bool>(out var any) && any)
            {
                return; // additionalProperties: true
            }
            pruned.Add(path);
            return;
        }
        if (described["x-kubernetes-preserve-unknown-fields"] is JsonValue preserve && preserve.TryGetValue<bool>(out var keep) && keep)
        {
            return;
        }
        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Walk($"{path}.{name}", child, Property(described, name), pruned);
                }
                break;
            case JsonArray array when described["items"] is JsonObject items:
                foreach (var item in array)
                {
                    var before = pruned.Count;
                    Walk(path + "[]", item, items, pruned);
                    // Report a field once, not once per list item.
                    var added = pruned.Skip(before).ToList();
                    pruned.RemoveRange(before, added.Count);
                    pruned.AddRange(added.Where(p => !pruned.Contains(p)).Distinct());
                }
                break;
        }
    }

    /// <summary>The schema of a property: a declared one, else additionalProperties (a schema or true), else none.</summary>
    private static JsonNode? Property(JsonObject schema, string name) =>
        schema["properties"] is JsonObject properties && properties[name] is JsonObject declared
            ? declared
            : schema["additionalProperties"];
}
