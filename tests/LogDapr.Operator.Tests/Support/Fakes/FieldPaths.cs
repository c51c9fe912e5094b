using System.Text.Json.Nodes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// Field paths for server-side apply bookkeeping, in the spirit of the API server's FieldsV1: "f:name" selects a
/// field, "k:{...}" an item of an associative list by its key fields. Paths are joined with '\n' (never inside a
/// field name or a JSON-encoded key). Which lists are associative follows the built-in types' list-map keys for the
/// fields the operator renders; everything else is atomic (replaced whole), like CRD lists without list-type.
/// </summary>
public static class FieldPaths
{
    public const char Separator = '\n';
    public const string ItemMarker = ".";

    /// <summary>The key fields of an associative list, or null when the list is atomic.</summary>
    public static string[]? ListKeys(string field, JsonArray items) => field switch
    {
        "containers" or "initContainers" or "env" or "volumes" or "imagePullSecrets" => ["name"],
        "volumeMounts" => ["mountPath"],
        "ownerReferences" => ["uid"],
        "conditions" => ["type"],
        "ports" when items.OfType<JsonObject>().All(i => i.ContainsKey("containerPort")) => ["containerPort"],
        "ports" when items.OfType<JsonObject>().All(i => i.ContainsKey("port")) => ["port"],
        _ => null,
    };

    public static string ItemKey(JsonObject item, string[] keys)
    {
        var key = new JsonObject();
        foreach (var k in keys)
        {
            key[k] = item[k]?.DeepClone();
        }
        return "k:" + key.ToJsonString();
    }

    /// <summary>Every leaf field (and associative-list item) set in <paramref name="obj"/>.</summary>
    public static HashSet<string> Leaves(JsonObject obj, IEnumerable<string>? ignoreTopLevel = null)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var ignore = new HashSet<string>(ignoreTopLevel ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            if (ignore.Contains(name))
            {
                continue;
            }
            Collect("f:" + name, name, value, result);
        }
        return result;
    }

    private static void Collect(string path, string field, JsonNode? value, HashSet<string> result)
    {
        switch (value)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj)
                {
                    Collect(path + Separator + "f:" + name, name, child, result);
                }
                break;
            case JsonArray array when ListKeys(field, array) is { } keys:
                foreach (var item in array.OfType<JsonObject>())
                {
                    var itemPath = path + Separator + ItemKey(item, keys);
                    result.Add(itemPath + Separator + ItemMarker);
                    foreach (var (name, child) in item)
                    {
                        Collect(itemPath + Separator + "f:" + name, name, child, result);
                    }
                }
                break;
            default:
                result.Add(path);
                break;
        }
    }

    /// <summary>The value at a path, or null when absent. An item marker yields the item.</summary>
    public static JsonNode? ValueAt(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split(Separator))
        {
            if (segment == ItemMarker)
            {
                return node;
            }
            node = Step(node, segment);
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    private static JsonNode? Step(JsonNode? node, string segment)
    {
        if (segment.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject obj ? obj[segment[2..]] : null;
        }
        if (segment.StartsWith("k:", StringComparison.Ordinal) && node is JsonArray array)
        {
            var key = JsonNode.Parse(segment[2..])!.AsObject();
            return array.OfType<JsonObject>().FirstOrDefault(item => key.All(k => JsonNode.DeepEquals(item[k.Key], k.Value)));
        }
        return null;
    }

    public static bool IsItem(string path) => path.EndsWith(Separator + ItemMarker, StringComparison.Ordinal);

    /// <summary>A key field of a list item ("...k:{"name":"x"}\nf:name"): removed with its item, never alone.</summary>
    public static bool IsItemKeyField(string path)
    {
        var segments = path.Split(Separator);
        return segments.Length >= 2
            && segments[^2].StartsWith("k:", StringComparison.Ordinal)
            && segments[^1].StartsWith("f:", StringComparison.Ordinal)
            && JsonNode.Parse(segments[^2][2..]) is JsonObject key
            && key.ContainsKey(segments[^1][2..]);
    }

    /// <summary>Whether two objects agree at a path: by value for fields, by presence for list items.</summary>
    public static bool Same(JsonNode? a, JsonNode? b, string path) =>
        path.EndsWith(Separator + ItemMarker, StringComparison.Ordinal)
            ? (ValueAt(a, path) is null) == (ValueAt(b, path) is null)
            : JsonNode.DeepEquals(ValueAt(a, path), ValueAt(b, path));

    /// <summary>Removes the field or list item a path names; absent paths are ignored.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var segments = path.Split(Separator);
        if (segments[^1] == ItemMarker)
        {
            segments = segments[..^1];
        }
        JsonNode? parent = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            parent = Step(parent, segments[i]);
            if (parent is null)
            {
                return;
            }
        }
        var last = segments[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject obj)
        {
            obj.Remove(last[2..]);
        }
        else if (last.StartsWith("k:", StringComparison.Ordinal) && parent is JsonArray array && Step(array, last) is { } item)
        {
            array.Remove(item);
        }
    }

    /// <summary>Merges an applied configuration into a live object: maps recursively, associative lists by key, the rest replaced.</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (name, value) in source)
        {
            if (value is JsonObject sourceObject && target[name] is JsonObject targetObject)
            {
                Merge(targetObject, sourceObject);
            }
            else if (value is JsonArray sourceArray && target[name] is JsonArray targetArray && ListKeys(name, sourceArray) is { } keys && ListKeys(name, targetArray) is not null)
            {
                foreach (var item in sourceArray.OfType<JsonObject>())
                {
                    var match = targetArray.OfType<JsonObject>().FirstOrDefault(t => ItemKey(t, keys) == ItemKey(item, keys));
                    if (match is null)
                    {
                        targetArray.Add(item.DeepClone());
                    }
                    else
                    {
                        Merge(match, item);
                    }
                }
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    /// <summary>Renders a path set as the API server's fieldsV1 JSON (for metadata.managedFields).</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.OrderBy(p => p, StringComparer.Ordinal))
        {
            var node = root;
            foreach (var segment in path.Split(Separator))
            {
                if (node[segment] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[segment] = child;
                }
                node = child;
            }
        }
        return root;
    }
}
