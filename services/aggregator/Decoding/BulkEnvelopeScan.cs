using System.Text.Json;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// Where the parts of a bulk envelope are, found by one pass of a validating reader over the delivery body without
/// building a document of it. A bulk delivery is ~10 MB (100 messages of 500 events); one <see cref="JsonDocument"/> of
/// it rents a metadata buffer larger than the body from the shared ArrayPool, which keeps such buffers for the life of the
/// process (five 16 MB ones in a heap snapshot of a draining aggregator). The same pass reads the usual entries
/// (<see cref="ScannedEntry"/>), whose data is then counted without another parse; any other entry is parsed on its own,
/// so a delivery's buffers are the size of one message.
/// </summary>
/// <param name="Entries">Each element of the last <c>entries</c> member; null when it is not an array.</param>
/// <param name="Topic">The last <c>topic</c> member's value, as (offset, length) in the body, if any.</param>
internal sealed record BulkEnvelopeScan(List<BulkEnvelopeScan.Entry>? Entries, (int Offset, int Length)? Topic)
{
    /// <summary>An element of <c>entries</c>: its (offset, length) in the body, and what the same pass read of it, when it is the usual kind.</summary>
    internal readonly record struct Entry(int Offset, int Length, ScannedEntry? Scanned);

    /// <summary>
    /// Scans <paramref name="body"/>. Null when it is not a bulk envelope (not an object, no <c>entries</c>, or a
    /// <c>specversion</c>, i.e. a single CloudEvent) or not JSON within <paramref name="maxDepth"/>: the caller's
    /// document path then decides, with the same errors as before.
    /// </summary>
    public static BulkEnvelopeScan? TryScan(ReadOnlySpan<byte> body, int maxDepth)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            List<Entry>? entries = null;
            (int, int)? topic = null;
            var hasEntries = false;
            var hasSpecVersion = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // JsonElement.TryGetProperty takes the last of duplicated members; so does this scan.
                var isEntries = reader.ValueTextEquals("entries"u8);
                var isTopic = reader.ValueTextEquals("topic"u8);
                hasSpecVersion |= reader.ValueTextEquals("specversion"u8);
                reader.Read();
                var start = checked((int)reader.TokenStartIndex);
                if (isEntries)
                {
                    hasEntries = true;
                    entries = reader.TokenType == JsonTokenType.StartArray ? ReadElements(ref reader) : null;
                    if (entries is null)
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                    if (isTopic)
                    {
                        topic = (start, checked((int)reader.BytesConsumed) - start);
                    }
                }
            }

            // The rest of the body must still be valid JSON (trailing content is an error, as for a document).
            while (reader.Read())
            {
            }

            return hasEntries && !hasSpecVersion ? new BulkEnvelopeScan(entries, topic) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<Entry> ReadElements(ref Utf8JsonReader reader)
    {
        var elements = new List<Entry>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = checked((int)reader.TokenStartIndex);
            var scanned = ScannedEntry.Read(ref reader);
            elements.Add(new Entry(start, checked((int)reader.BytesConsumed) - start, scanned));
        }

        return elements;
    }
}
