using System.Diagnostics;
using LogDapr.LoadGen.Payload;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Bench.Baselines;

/// <summary>
/// The sink ceiling: binary COPY of the same events, one row each, into a plain table of the pipeline's own Postgres,
/// one stream per core. No validation, no aggregation, no de-duplication: the fastest way these events get into
/// this database, against which the aggregator's exactly-once write is compared.
/// </summary>
public static class PostgresCopyBaseline
{
    public sealed record Result(long Events, TimeSpan Elapsed, long RowsInTable, int Streams)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
        public bool Complete => RowsInTable == Events;
    }

    public static async Task<Result> RunAsync(string connectionString, IReadOnlyList<RequestTemplate> templates, long events, int streams, CancellationToken cancellationToken)
    {
        var valid = templates.SelectMany(t => t.Events).Where(e => e.Valid).ToArray();
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand("""
                CREATE SCHEMA IF NOT EXISTS bench_copy;
                DROP TABLE IF EXISTS bench_copy.events;
                CREATE TABLE bench_copy.events (tenant_id text NOT NULL, service text NOT NULL, severity text NOT NULL,
                                                ts timestamptz NOT NULL, host text, message text NOT NULL);
                """, setup);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var watch = Stopwatch.StartNew();
        var perStream = events / streams;
        await Task.WhenAll(Enumerable.Range(0, streams).Select(s =>
            CopyAsync(connectionString, valid, s == streams - 1 ? events - (perStream * (streams - 1)) : perStream, s, cancellationToken))).ConfigureAwait(false);
        watch.Stop();

        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM bench_copy.events", check);
        var rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var drop = new NpgsqlCommand("DROP SCHEMA bench_copy CASCADE", check);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new Result(events, watch.Elapsed, rows, streams);
    }

    private static async Task CopyAsync(string connectionString, GeneratedEvent[] source, long rows, int offset, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY bench_copy.events (tenant_id, service, severity, ts, host, message) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        for (long i = 0; i < rows; i++)
        {
            var e = source[(int)((i + offset) % source.Length)];
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Service, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Severity, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Host, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Message, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
