using System.Text.Json;
using LogDapr.Contracts.Events;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Bench.Store;

/// <summary>Binary COPY of events into a log_events table (the columns the store's statement writes; stored_at keeps its default).</summary>
public static class EventCopy
{
    public const int EventsPerMessage = 500;

    public static async Task<long> WriteAsync(
        string connectionString, string schema, long count, Func<long, LogEvent> events, long offset, Func<LogEvent, DateTimeOffset> receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {schema}.log_events (tenant_id, event_day, event_id, ts, received_at, service, severity, host, message, attributes, trace_id, span_id, message_id) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        for (long n = 0; n < count; n++)
        {
            var i = offset + n;
            var e = events(i);
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(DateOnly.FromDateTime(e.Timestamp.UtcDateTime), NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(receivedAt(e).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Service, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync((short)e.Severity, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(writer, e.Host, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Message, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(Attributes(e), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(writer, e.TraceId, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(writer, e.SpanId, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(MessageId(i), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }

        return (long)await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Events travel in messages of <see cref="EventsPerMessage"/>, as ingest's batches do.</summary>
    public static string MessageId(long i) => $"bench-msg-{i / EventsPerMessage}";

    private static string Attributes(LogEvent e) => JsonSerializer.Serialize(e.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal));

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
    }
}
