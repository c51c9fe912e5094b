using System.Security.Cryptography;
using System.Text.Json;

namespace LogDapr.Processing.Rules;

/// <summary>
/// The canonical form of a rule set is compact JSON of the parsed model, every section and default written out in a
/// fixed order; mapping fields sorted, lists in document order (their order is meaningful), conditions canonical.
/// </summary>
internal static class RulesVersion
{
    public static string Compute(ProcessingRules rules)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format", 1);
            WriteMapping(json, rules.Mapping);
            json.WriteStartObject("enrichment");
            json.WriteBoolean("hosts", rules.Enrichment.Hosts);
            json.WriteBoolean("services", rules.Enrichment.Services);
            json.WriteEndObject();
            json.WriteStartArray("transforms");
            foreach (var transform in rules.Transforms)
            {
                WriteTransform(json, transform);
            }
            json.WriteEndArray();
            WriteRedaction(json, rules.Redaction);
            json.WriteStartObject("limits");
            if (rules.Limits.MaxAttributeValueBytes is int max)
            {
                json.WriteNumber("maxAttributeValueBytes", max);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..16];
    }

    private static void WriteMapping(Utf8JsonWriter json, MappingRules mapping)
    {
        json.WriteStartObject("mapping");
        json.WriteStartObject("fields");
        var names = new List<string>(mapping.Fields.Keys);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            WriteStrings(json, name, mapping.Fields[name]);
        }
        json.WriteEndObject();
        json.WriteString("separator", mapping.Separator);
        json.WriteEndObject();
    }

    private static void WriteTransform(Utf8JsonWriter json, TransformRule transform)
    {
        json.WriteStartObject();
        switch (transform)
        {
            case RenameTransform rename:
                json.WriteStartObject("rename");
                json.WriteString("from", rename.From);
                json.WriteString("to", rename.To);
                json.WriteEndObject();
                break;
            case CopyTransform copy:
                json.WriteStartObject("copy");
                json.WriteString("from", copy.From);
                json.WriteString("to", copy.To);
                json.WriteEndObject();
                break;
            case RemoveTransform remove:
                WriteStrings(json, "remove", remove.Keys);
                break;
            case SetTransform set:
                json.WriteStartObject("set");
                json.WriteString("key", set.Key);
                json.WriteString("value", set.Value);
                json.WriteEndObject();
                break;
            case DropTransform:
                json.WriteBoolean("drop", true);
                break;
            case SampleTransform sample:
                json.WriteStartObject("sample");
                json.WriteNumber("rate", sample.Rate);
                json.WriteEndObject();
                break;
            default:
                throw new InvalidOperationException($"no canonical form for {transform.GetType().Name}");
        }
        if (transform.When is { } when)
        {
            json.WriteString("when", when.Canonical);
        }
        json.WriteEndObject();
    }

    private static void WriteRedaction(Utf8JsonWriter json, RedactionRules? redaction)
    {
        if (redaction is null)
        {
            json.WriteNull("redaction");
            return;
        }
        json.WriteStartObject("redaction");
        WriteStrings(json, "presets", redaction.Presets);
        json.WriteStartArray("patterns");
        foreach (var pattern in redaction.Patterns)
        {
            json.WriteStartObject();
            json.WriteString("name", pattern.Name);
            json.WriteString("regex", pattern.Regex);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("mode", redaction.Mode.ToString().ToLowerInvariant());
        json.WriteBoolean("message", redaction.Message);
        WriteStrings(json, "attributes", redaction.Attributes);
        WriteStrings(json, "allowAttributes", redaction.AllowAttributes);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}
