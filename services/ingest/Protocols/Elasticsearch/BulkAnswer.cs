using System.Buffers;
using System.Text.Json;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// The 200 answer of a bulk request, as Elasticsearch writes it: <c>took</c>, <c>errors</c> and one result per item in
/// request order, 201 <c>created</c> or the item's error, so a shipper retries (or drops) only the failed ones. Pure.
/// </summary>
public static class BulkAnswer
{
    /// <param name="rejected">The intake's rejected events by NDJSON line (every one of them, see <see cref="IntakeRequest.EveryRejection"/>).</param>
    public static byte[] Render(IReadOnlyList<BulkItem> items, IReadOnlyDictionary<int, IReadOnlyList<FieldError>> rejected, long tookMilliseconds)
    {
        var output = new ArrayBufferWriter<byte>(128 + (items.Count * 160));
        using var writer = new Utf8JsonWriter(output);
        var errors = false;
        var results = new List<(BulkItem Item, BulkError? Error)>(items.Count);
        foreach (var item in items)
        {
            var error = item.Error ?? (rejected.TryGetValue(item.Line, out var fields) ? ErrorOf(item, fields) : null);
            errors |= error is not null;
            results.Add((item, error));
        }

        writer.WriteStartObject();
        writer.WriteNumber("took", tookMilliseconds);
        writer.WriteBoolean("errors", errors);
        writer.WriteStartArray("items");
        foreach (var (item, error) in results)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(item.Action);
            if (item.Index is not null)
            {
                writer.WriteString("_index", item.Index);
            }

            if (item.Id is not null)
            {
                writer.WriteString("_id", item.Id);
            }

            if (error is null)
            {
                writer.WriteNumber("_version", 1);
                writer.WriteString("result", "created");
                writer.WriteStartObject("_shards");
                writer.WriteNumber("total", 1);
                writer.WriteNumber("successful", 1);
                writer.WriteNumber("failed", 0);
                writer.WriteEndObject();
                writer.WriteNumber("_seq_no", 0);
                writer.WriteNumber("_primary_term", 1);
                writer.WriteNumber("status", StatusCodes.Status201Created);
            }
            else
            {
                writer.WriteNumber("status", error.Status);
                writer.WriteStartObject("error");
                writer.WriteString("type", error.Type);
                writer.WriteString("reason", error.Reason);
                if (item.Index is not null)
                {
                    writer.WriteString("index", item.Index);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The intake's rejections by line, from a fresh outcome's summary.</summary>
    public static Dictionary<int, IReadOnlyList<FieldError>> ByLine(IEnumerable<RejectedEvent> rejected)
        => rejected.ToDictionary(r => r.Index, r => r.Errors);

    /// <summary>The rejections by line from the stored 202 body of an Idempotency-Key replay (the JSON API's IngestResponse).</summary>
    public static Dictionary<int, IReadOnlyList<FieldError>> ByLine(string? storedBody)
    {
        var byLine = new Dictionary<int, IReadOnlyList<FieldError>>();
        if (string.IsNullOrEmpty(storedBody))
        {
            return byLine;
        }

        using var document = JsonDocument.Parse(storedBody);
        if (!document.RootElement.TryGetProperty("rejected", out var rejected) || rejected.ValueKind != JsonValueKind.Array)
        {
            return byLine;
        }

        foreach (var item in rejected.EnumerateArray())
        {
            var errors = item.GetProperty("errors").EnumerateArray()
                .Select(e => new FieldError(e.GetProperty("field").GetString() ?? "", e.GetProperty("message").GetString() ?? ""))
                .ToList();
            byLine[item.GetProperty("index").GetInt32()] = errors;
        }

        return byLine;
    }

    private static BulkError ErrorOf(BulkItem item, IReadOnlyList<FieldError> fields)
    {
        if (fields.Any(f => f.Field == LogEventFields.TenantId && f.Message == TenantFilter.ForbiddenMessage))
        {
            return new BulkError(StatusCodes.Status403Forbidden, "security_exception",
                $"action [indices:data/write/bulk[s]] is unauthorized for this API key on indices [{item.Index}]: it may not write the tenant this document names");
        }

        return BulkError.BadRequest("document_parsing_exception",
            "the document is not a valid log event: " + string.Join("; ", fields.Select(f => $"{f.Field}: {f.Message}")));
    }
}
