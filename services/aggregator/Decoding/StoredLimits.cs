using System.Globalization;
using LogDapr.Aggregator.Database;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// What a message must satisfy before any of it reaches SQL, checked when it is decoded so that a message Postgres
/// cannot store is poison (dead-lettered alone) instead of failing every write it joins. The aggregator does not rely
/// on ingest or the LogEvent reader for this: messages reach the topic from any producer. Pure.
/// </summary>
public static class StoredLimits
{
    /// <summary>Longest message id (UTF-8 bytes): far above UUIDs and Dapr's ids, far below a btree entry's limit.</summary>
    public const int MaxMessageIdBytes = 512;

    /// <summary>
    /// Longest tenant and service (UTF-8 bytes each). Together with the bucket and severity they key a log_counts row,
    /// whose index entry must stay under PostgreSQL's btree limit (2704 bytes).
    /// </summary>
    public const int MaxSeriesTextBytes = 1024;

    /// <returns>Why the id cannot be stored, or null.</returns>
    public static string? IdProblem(string id)
    {
        if (!StoredText.IsStorable(id))
        {
            return "CloudEvent id contains U+0000 or invalid UTF-16, which Postgres cannot store";
        }

        var bytes = StoredText.Utf8Length(id);
        return bytes > MaxMessageIdBytes
            ? string.Create(CultureInfo.InvariantCulture, $"CloudEvent id is {bytes} bytes long; at most {MaxMessageIdBytes} bytes can be stored")
            : null;
    }

    /// <returns>Why some event of the message cannot be stored, or null.</returns>
    public static string? EventProblem(IReadOnlyList<LogEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var problem = SeriesProblem(e.TenantId, e.Service)
                ?? (e.Host is null ? null : TextProblem("host", e.Host, int.MaxValue));
            for (var a = 0; problem is null && a < e.Attributes.Count; a++)
            {
                problem = TextProblem("attributes", e.Attributes[a].Key, int.MaxValue) ?? TextProblem("attributes", e.Attributes[a].Value, int.MaxValue);
            }

            if (problem is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"[{i}] {problem}");
            }
        }

        return null;
    }

    /// <returns>
    /// Why some counted event of the message cannot be stored, or null. Only the series text is checked: the reader
    /// refuses the host and attribute text Postgres could not store (U+0000, invalid Unicode) before it gets here, so
    /// <see cref="EventProblem"/> finds nothing more in them.
    /// </returns>
    public static string? CountedProblem(IReadOnlyList<CountedEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (SeriesProblem(events[i].TenantId, events[i].Service) is { } problem)
            {
                return string.Create(CultureInfo.InvariantCulture, $"[{i}] {problem}");
            }
        }

        return null;
    }

    private static string? SeriesProblem(string tenant, string service)
        => TextProblem("tenant_id", tenant, MaxSeriesTextBytes) ?? TextProblem("service", service, MaxSeriesTextBytes);

    private static string? TextProblem(string field, string value, int maxBytes)
    {
        if (!StoredText.IsStorable(value))
        {
            return $"{field}: contains U+0000 or invalid UTF-16";
        }

        return maxBytes != int.MaxValue && StoredText.Utf8Length(value) > maxBytes
            ? string.Create(CultureInfo.InvariantCulture, $"{field}: longer than {maxBytes} bytes")
            : null;
    }
}
