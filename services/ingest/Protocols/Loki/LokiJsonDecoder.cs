using System.Buffers;
using System.Globalization;
using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// Transcodes a Loki JSON push (<c>{"streams":[{"stream":{labels},"values":[["&lt;ns&gt;","line",{metadata}]]}]}</c>)
/// into LogEvent v1 NDJSON, one line per entry in push order, so the intake's rejected index is the entry index.
/// Labels: the first of <c>service_name</c>, <c>service</c>, <c>app</c>, <c>job</c> is the service; <c>level</c> or
/// <c>detected_level</c> is the severity when it is a known severity name (else <c>info</c>, the label kept as an
/// attribute); every other label and the structured metadata become attributes (metadata wins a clash). A timestamp
/// that is not nanoseconds since the epoch is passed on as written, so the reader rejects that entry alone, as
/// Loki's distributor rejects an out-of-range entry and keeps the others. Pure.
/// </summary>
public static class LokiJsonDecoder
{
    private static readonly string[] ServiceLabels = ["service_name", "service", "app", "job"];
    private static readonly string[] LevelLabels = ["level", "detected_level"];

    /// <summary>NDJSON, or null with <paramref name="error"/> naming what makes the whole push unreadable.</summary>
    public static byte[]? Decode(ReadOnlyMemory<byte> body, string? tenant, out int entries, out string? error)
    {
        entries = 0;
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            error = "invalid JSON push request: " + ex.Message;
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("streams", out var streams)
                || streams.ValueKind != JsonValueKind.Array)
            {
                error = "invalid push request: expected an object with a \"streams\" array";
                return null;
            }

            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using var writer = new Utf8JsonWriter(output);
            foreach (var stream in streams.EnumerateArray())
            {
                if (!WriteStream(stream, tenant, writer, output, ref entries, out error))
                {
                    return null;
                }
            }

            return output.WrittenSpan.ToArray();
        }
    }

    private static bool WriteStream(JsonElement stream, string? tenant, Utf8JsonWriter writer, ArrayBufferWriter<byte> output, ref int entries, out string? error)
    {
        error = null;
        if (stream.ValueKind != JsonValueKind.Object
            || !stream.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            error = "invalid push request: each stream needs a \"values\" array";
            return false;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.TryGetProperty("stream", out var labelObject))
        {
            if (labelObject.ValueKind != JsonValueKind.Object)
            {
                error = "invalid push request: \"stream\" must be an object of string labels";
                return false;
            }

            foreach (var label in labelObject.EnumerateObject())
            {
                if (label.Value.ValueKind != JsonValueKind.String)
                {
                    error = $"invalid push request: label {label.Name} is not a string";
                    return false;
                }

                labels[label.Name] = label.Value.GetString()!;
            }
        }

        var levelLabel = LevelLabels.FirstOrDefault(l => labels.ContainsKey(l));
        var parsed = Severity.Info;
        var levelParsed = levelLabel is not null && SeverityNames.TryParse(labels[levelLabel], out parsed);
        var severity = levelParsed ? SeverityNames.ToWire(parsed) : "info";
        var serviceLabel = ServiceLabels.FirstOrDefault(l => labels.GetValueOrDefault(l) is { Length: > 0 });

        foreach (var entry in values.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() is < 2 or > 3
                || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.String
                || (entry.GetArrayLength() == 3 && entry[2].ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)))
            {
                error = $"invalid push request: entry {entries} must be [\"<unix ns>\", \"<line>\"] or [\"<unix ns>\", \"<line>\", {{metadata}}]";
                return false;
            }

            writer.Reset();
            writer.WriteStartObject();
            if (tenant is not null)
            {
                writer.WriteString("tenant_id", tenant);
            }

            var ns = entry[0].GetString()!;
            writer.WriteString("timestamp", long.TryParse(ns, NumberStyles.None, CultureInfo.InvariantCulture, out var nanos)
                ? DateTimeOffset.UnixEpoch.AddTicks(nanos / 100).ToString("O", CultureInfo.InvariantCulture)
                : ns);
            writer.WriteString("severity", severity);
            if (serviceLabel is not null)
            {
                writer.WriteString("service", labels[serviceLabel]);
            }

            writer.WriteString("message", entry[1].GetString());
            WriteAttributes(writer, labels, serviceLabel, levelParsed ? levelLabel : null, entry.GetArrayLength() == 3 ? entry[2] : default);
            writer.WriteEndObject();
            writer.Flush();
            output.Write("\n"u8);
            entries++;
        }

        return true;
    }

    private static void WriteAttributes(Utf8JsonWriter writer, Dictionary<string, string> labels, string? serviceLabel, string? levelLabel, JsonElement metadata)
    {
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            if (name != serviceLabel && name != levelLabel)
            {
                attributes[name] = value;
            }
        }

        if (metadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in metadata.EnumerateObject())
            {
                attributes[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
            }
        }

        if (attributes.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("attributes");
        foreach (var (name, value) in attributes)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
    }
}
