using System.Text.Json;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>Body of a PUT: <c>{"attributes": {"key": "value", ...}}</c>, string values only.</summary>
public sealed record MetadataBody(IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Strict: one object with exactly the member "attributes", itself an object of distinct keys with string values.</summary>
    /// <returns>The body, or the reason it is not one (for a 400).</returns>
    public static (MetadataBody? Body, string? Error) Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "the body must be a JSON object {\"attributes\": {...}}");
            }

            JsonElement? attributes = null;
            foreach (var member in root.EnumerateObject())
            {
                if (member.Name != "attributes")
                {
                    return (null, $"unknown member '{Short(member.Name)}': the body is {{\"attributes\": {{...}}}}");
                }

                attributes = member.Value;
            }

            if (attributes is not { ValueKind: JsonValueKind.Object } values)
            {
                return (null, "'attributes' is required and must be an object of string values");
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var attribute in values.EnumerateObject())
            {
                if (result.Count > MetadataLimits.MaxAttributes)
                {
                    return (null, $"at most {MetadataLimits.MaxAttributes} attributes");
                }

                if (attribute.Value.ValueKind != JsonValueKind.String)
                {
                    return (null, $"attribute '{Short(attribute.Name)}' must be a string, not {attribute.Value.ValueKind.ToString().ToLowerInvariant()}");
                }

                if (!result.TryAdd(attribute.Name, attribute.Value.GetString()!))
                {
                    return (null, $"attribute '{Short(attribute.Name)}' appears twice");
                }
            }

            return (new MetadataBody(result), null);
        }
        catch (JsonException ex)
        {
            return (null, $"malformed JSON: {ex.Message}");
        }
    }

    private static string Short(string text) => text.Length <= MetadataLimits.MaxKeyLength ? text : text[..MetadataLimits.MaxKeyLength] + "…";
}
