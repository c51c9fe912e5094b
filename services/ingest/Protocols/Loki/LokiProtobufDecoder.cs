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
    /// <summary>A push whose events' ids are derived for <paramref name="tenant"/> (none: the empty name).</summary>
    public static LokiDecoded Decode(ReadOnlyMemory<byte> message, string? tenant, int maxBytes) => Decode(message, tenant, tenant ?? "", maxBytes);

    /// <param name="idTenant">As <see cref="LokiEventWriter"/>'s.</param>
    public static LokiDecoded Decode(ReadOnlyMemory<byte> message, string? tenant, string idTenant, int maxBytes)
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

        using var events = new LokiEventWriter(tenant, idTenant, maxBytes, message.Length * 2);
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

                var (seconds, nanos) = entry.Timestamp is { } t ? (t.Seconds, t.Nanos) : (0L, 0);
                events.WriteEntry(LokiEventWriter.FromSecondsAndNanos(seconds, nanos), LokiEventWriter.Nanos(seconds, nanos), entry.Line, metadata);
                if (events.Overflowed)
                {
                    return LokiDecoded.Of(events);
                }
            }
        }

        return LokiDecoded.Of(events);
    }
}
