using System.Text.Json;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// Reads a Loki JSON push (<c>{"streams":[{"stream":{labels},"values":[["&lt;ns&gt;","line",{metadata}]]}]}</c>):
/// labels by <see cref="LokiLabels"/>, mapped by <see cref="LokiEventWriter"/>, the same as the protobuf push. Pure.
/// </summary>
internal static class LokiJsonDecoder
{
    /// <summary>A push whose events' ids are derived for <paramref name="tenant"/> (none: the empty name).</summary>
    public static LokiDecoded Decode(ReadOnlyMemory<byte> body, string? tenant, int maxBytes) => Decode(body, tenant, tenant ?? "", maxBytes);

    /// <param name="idTenant">As <see cref="LokiEventWriter"/>'s.</param>
    public static LokiDecoded Decode(ReadOnlyMemory<byte> body, string? tenant, string idTenant, int maxBytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return LokiDecoded.Invalid("invalid JSON push request: " + ex.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("streams", out var streams)
                || streams.ValueKind != JsonValueKind.Array)
            {
                return LokiDecoded.Invalid("invalid push request: expected an object with a \"streams\" array");
            }

            using var events = new LokiEventWriter(tenant, idTenant, maxBytes, body.Length + 256);
            var labels = new List<KeyValuePair<string, string>>();
            var metadata = new List<KeyValuePair<string, string>>();
            try
            {
                foreach (var stream in streams.EnumerateArray())
                {
                    if (WriteStream(stream, events, labels, metadata) is { } error)
                    {
                        return LokiDecoded.Invalid(error);
                    }

                    if (events.Overflowed)
                    {
                        break;
                    }
                }
            }
            catch (InvalidOperationException ex)
            {
                // GetString on an escaped lone surrogate ("\ud800"): valid JSON, but no string.
                return LokiDecoded.Invalid("invalid push request: " + ex.Message);
            }

            return LokiDecoded.Of(events);
        }
    }

    private static string? WriteStream(JsonElement stream, LokiEventWriter events, List<KeyValuePair<string, string>> labels, List<KeyValuePair<string, string>> metadata)
    {
        if (stream.ValueKind != JsonValueKind.Object
            || !stream.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return "invalid push request: each stream needs a \"values\" array";
        }

        labels.Clear();
        if (stream.TryGetProperty("stream", out var labelObject))
        {
            if (labelObject.ValueKind != JsonValueKind.Object)
            {
                return "invalid push request: \"stream\" must be an object of string labels";
            }

            foreach (var label in labelObject.EnumerateObject())
            {
                if (label.Value.ValueKind != JsonValueKind.String)
                {
                    return $"invalid push request: label {label.Name} is not a string";
                }

                if (!LokiLabels.TryAdd(labels, label.Name, label.Value.GetString()!, out var error))
                {
                    return "invalid push request: " + error;
                }
            }
        }

        events.BeginStream(labels);
        foreach (var entry in values.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() is < 2 or > 3
                || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.String
                || (entry.GetArrayLength() == 3 && entry[2].ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)))
            {
                return $"invalid push request: entry {events.Entries} must be [\"<unix ns>\", \"<line>\"] or [\"<unix ns>\", \"<line>\", {{metadata}}]";
            }

            metadata.Clear();
            if (entry.GetArrayLength() == 3 && entry[2].ValueKind == JsonValueKind.Object)
            {
                foreach (var item in entry[2].EnumerateObject())
                {
                    metadata.Add(new(item.Name, item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText()));
                }
            }

            var nanos = entry[0].GetString()!;
            events.WriteEntry(LokiEventWriter.FromNanosText(nanos), LokiEventWriter.NanosText(nanos), entry[1].GetString()!, metadata);
            if (events.Overflowed)
            {
                return null;
            }
        }

        return null;
    }
}
