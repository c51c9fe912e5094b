using Google.Protobuf;
using LogDapr.Ingest.Protocols.Loki.Wire;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// Reads a Loki protobuf push (a <c>logproto.PushRequest</c>, already snappy-decompressed by <see cref="LokiSnappy"/>):
/// the label text by <see cref="LokiLabels"/>, mapped by <see cref="LokiEventWriter"/>, the same as the JSON push.
/// Never throws on any input.
/// </summary>
internal static class LokiProtobufDecoder
{
    public static LokiDecoded Decode(ReadOnlyMemory<byte> message, string? tenant, int maxBytes)
    {
        PushRequest request;
        try
        {
            // The parser's own recursion limit (100) bounds hostile nesting; the message is bounded by Ingest:MaxBodyBytes.
            request = PushRequest.Parser.ParseFrom(message.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return LokiDecoded.Invalid("the body is not a valid logproto.PushRequest: " + ex.Message);
        }

        using var events = new LokiEventWriter(tenant, maxBytes, message.Length * 2);
        var labels = new List<KeyValuePair<string, string>>();
        var metadata = new List<KeyValuePair<string, string>>();
        for (var s = 0; s < request.Streams.Count; s++)
        {
            var stream = request.Streams[s];
            if (!LokiLabels.TryParse(stream.Labels, labels, out var error))
            {
                // As Loki's push parser: a stream whose labels do not parse makes the whole push a 400.
                return LokiDecoded.Invalid($"couldn't parse labels of stream {s}: {error}");
            }

            events.BeginStream(labels);
            foreach (var entry in stream.Entries)
            {
                metadata.Clear();
                foreach (var pair in entry.StructuredMetadata)
                {
                    metadata.Add(new(pair.Name, pair.Value));
                }

                var timestamp = entry.Timestamp is { } t ? LokiEventWriter.FromSecondsAndNanos(t.Seconds, t.Nanos) : LokiEventWriter.FromSecondsAndNanos(0, 0);
                events.WriteEntry(timestamp, entry.Line, metadata);
                if (events.Overflowed)
                {
                    return LokiDecoded.Of(events);
                }
            }
        }

        return LokiDecoded.Of(events);
    }
}
