using System.Buffers;
using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.PubSub.GoJson;
using LogDapr.DevSidecar.PubSub.Storage;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// daprd's DeliverBulk: the bulk envelope (each entry's event re-encoded as Go does), the per-entry statuses of the
/// answer, and what an answer without them means.
/// </summary>
public sealed partial class AppPostman
{
    /// <summary>
    /// A bulk delivery: daprd's envelope, marshalled by Go (keys sorted, HTML-escaped). The result has one outcome per
    /// entry: SUCCESS, DROP, NotFound (every entry of a 404), or Retry/Unreachable (missing, RETRY, unknown status,
    /// non-2xx, unreadable answer, transport error).
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, DeliveryOutcome> Outcomes, string? Detail)> DeliverBulkAsync(IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
    {
        if (!app.IsHealthy)
        {
            return (All(entries, DeliveryOutcome.Unreachable), "app is not in a healthy state");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, entries[0].Path)
        {
            Content = new ReadOnlyMemoryContent(Envelope(entries)) { Headers = { ContentType = JsonContentType } },
        };
        request.Headers.TryAddWithoutValidation("pubsubName", pubsubName);
        var (status, body, failure) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (All(entries, failure.Value.Item1), failure.Value.Item2);
        }

        if (status == (int)HttpStatusCode.NotFound)
        {
            // v1.16 and v1.17: every entry marked successful, nothing dead-lettered.
            return (All(entries, DeliveryOutcome.NotFound), "HTTP 404");
        }

        if (status is < 200 or > 299)
        {
            return (All(entries, DeliveryOutcome.Retry), $"HTTP {status}");
        }

        var outcomes = All(entries, DeliveryOutcome.Retry);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (TryGetProperty(doc.RootElement, "statuses", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (!TryGetProperty(entry, "entryId", out var id) || id.ValueKind != JsonValueKind.String || !outcomes.ContainsKey(id.GetString()!))
                    {
                        continue; // daprd: "Invalid entry id received from app"
                    }

                    var text = TryGetProperty(entry, "status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "";
                    outcomes[id.GetString()!] = text switch
                    {
                        "SUCCESS" => DeliveryOutcome.Success,
                        "DROP" => DeliveryOutcome.Drop,
                        _ => DeliveryOutcome.Retry, // "", RETRY, unknown; a missing entry stays RETRY too
                    };
                }
            }
        }
        catch (JsonException ex)
        {
            return (All(entries, DeliveryOutcome.Retry), $"failed unmarshalling app response for bulk subscribe: {ex.Message}");
        }

        var retried = outcomes.Values.Count(o => o == DeliveryOutcome.Retry);
        return (outcomes, retried > 0 ? $"{retried} bulk entries not successful" : null);
    }

    private ReadOnlyMemory<byte> Envelope(IReadOnlyList<BulkEntry> entries)
    {
        // A Go map marshalled: entries, id, metadata, pubsubname, topic, type (sorted); each entry is a struct
        // (entryId, event, metadata, contentType) whose event is the re-encoded CloudEvent.
        // Sized for the events and each entry's fields up front: a 10 MB envelope grown by doubling would allocate it twice more.
        var buffer = new ArrayBufferWriter<byte>(entries.Sum(e => e.Event.Length + 256) + 512);
        Raw(buffer, "{\"entries\":["u8);
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                Raw(buffer, ","u8);
            }

            var entry = entries[i];
            Raw(buffer, "{\"entryId\":"u8);
            GoJsonReencoder.WriteString(entry.EntryId, buffer);
            Raw(buffer, ",\"event\":"u8);
            Raw(buffer, entry.Event.Span);
            Raw(buffer, ",\"metadata\":"u8);
            WriteMap(buffer, EntryMetadata(entry));
            Raw(buffer, ",\"contentType\":"u8);
            GoJsonReencoder.WriteString(entry.ContentType, buffer);
            Raw(buffer, "}"u8);
        }

        Raw(buffer, "],\"id\":"u8);
        GoJsonReencoder.WriteString(Guid.NewGuid().ToString(), buffer);
        Raw(buffer, ",\"metadata\":"u8);
        WriteMap(buffer, new SortedDictionary<string, string>(StringComparer.Ordinal) { ["pubsubName"] = pubsubName });
        Raw(buffer, ",\"pubsubname\":"u8);
        GoJsonReencoder.WriteString(pubsubName, buffer);
        Raw(buffer, ",\"topic\":"u8);
        GoJsonReencoder.WriteString(topic, buffer);
        Raw(buffer, ",\"type\":"u8);
        GoJsonReencoder.WriteString(CloudEventBuilder.BulkType, buffer);
        Raw(buffer, "}"u8);
        // The writer's own array, not a copy: at 10 MB a copy is one more large-object-heap array per delivery.
        return buffer.WrittenMemory;
    }

    /// <summary>What each component puts in a message's metadata (Kafka: sarama's record fields; JetStream: the subject).</summary>
    private SortedDictionary<string, string> EntryMetadata(BulkEntry entry)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        switch (broker)
        {
            case BrokerKind.Kafka:
                metadata["__offset"] = entry.Message.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
                metadata["__partition"] = "0";
                metadata["__topic"] = topic;
                break;
            case BrokerKind.JetStream:
                metadata["Topic"] = topic;
                break;
        }

        return metadata;
    }

    private static void WriteMap(ArrayBufferWriter<byte> buffer, SortedDictionary<string, string> map)
    {
        Raw(buffer, "{"u8);
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!first)
            {
                Raw(buffer, ","u8);
            }

            first = false;
            GoJsonReencoder.WriteString(key, buffer);
            Raw(buffer, ":"u8);
            GoJsonReencoder.WriteString(value, buffer);
        }

        Raw(buffer, "}"u8);
    }

    private static void Raw(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    private static Dictionary<string, DeliveryOutcome> All(IReadOnlyList<BulkEntry> entries, DeliveryOutcome outcome) =>
        entries.ToDictionary(e => e.EntryId, _ => outcome, StringComparer.Ordinal);

    private async Task<(int Status, byte[] Body, (DeliveryOutcome, string?)? Failure)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (attemptTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            attempt.CancelAfter(timeout);
        }

        try
        {
            using var response = await app.Http.SendAsync(request, attempt.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(attempt.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, [], (DeliveryOutcome.Retry, $"timeout after {GoDuration.Format(attemptTimeout ?? TimeSpan.Zero)}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (0, [], AppChannel.IsUnreachable(ex) ? (DeliveryOutcome.Unreachable, ex.Message) : (DeliveryOutcome.Retry, ex.Message));
        }
    }
}
