using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace LogDapr.DevSidecar.Components;

/// <summary>
/// Turns YAML documents into JSON nodes so resources from files and subscriptions from an app's
/// <c>/dapr/subscribe</c> answer are read by the same code. Scalars stay strings, as in Kubernetes
/// manifests where <c>"4"</c> and <c>4</c> mean the same to Dapr.
/// </summary>
public static class YamlJson
{
    public static IReadOnlyList<JsonNode?> LoadDocuments(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMap(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMap(YamlMappingNode map)
    {
        var obj = new JsonObject(new System.Text.Json.Nodes.JsonNodeOptions { PropertyNameCaseInsensitive = true });
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            obj[name] = Convert(value);
        }

        return obj;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        // An unquoted ~, null or empty value is YAML null; quoted forms are strings.
        var plain = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;
        if (plain && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"))
        {
            return null;
        }

        return JsonValue.Create(scalar.Value ?? "");
    }
}
