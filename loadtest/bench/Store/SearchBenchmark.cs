using System.Diagnostics;
using LogDapr.Contracts.Events;
using Npgsql;

namespace LogDapr.Bench.Store;

/// <summary>
/// Search latency on a large store: synthetic events over several daily partitions and tenants, loaded by binary COPY
/// straight into the partitions of a log_events created by the product's migrations up to 0006 (primary key only).
/// The three searches of the issue run first on that table, then the search migration (0007) is applied to the
/// same rows, and the same searches, with the same parameters in the same order, run again: the difference is what
/// the indexes buy. Both passes must return the same number of rows for each search.
/// </summary>
public static class SearchBenchmark
{
    public const string Schema = "bench_search";

    /// <summary>Page size of each search (the API's default page is of this order).</summary>
    public const int Limit = 100;

    public static async Task<SearchResult> RunAsync(string connectionString, StorePlan plan, Action<string> log, CancellationToken cancellationToken)
    {
        var lastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var firstDay = lastDay.AddDays(-(plan.SearchDays - 1));
        var source = new SyntheticEvents("bench-s", plan.SearchTenants, firstDay, plan.SearchDays, plan.SearchEvents);
        var days = Enumerable.Range(0, plan.SearchDays).Select(firstDay.AddDays).ToList();
        await StoreSchema.CreateAsync(connectionString, Schema, withSearchIndexes: false, days, cancellationToken).ConfigureAwait(false);

        log($"Search data: {plan.SearchEvents:N0} events, {plan.SearchDays} days from {firstDay:yyyy-MM-dd}, {plan.SearchTenants} tenants, COPY with {plan.Streams} streams into the partitions");
        var watch = Stopwatch.StartNew();
        var perStream = plan.SearchEvents / plan.Streams;
        var loaded = await Task.WhenAll(Enumerable.Range(0, plan.Streams).Select(s =>
        {
            var offset = s * perStream;
            var n = s == plan.Streams - 1 ? plan.SearchEvents - offset : perStream;
            return EventCopy.WriteAsync(connectionString, Schema, n, source.Event, offset, e => e.Timestamp.AddMilliseconds(20), cancellationToken);
        })).ConfigureAwait(false);
        var loadTime = watch.Elapsed;
        await StoreSchema.AnalyzeAsync(connectionString, Schema, cancellationToken).ConfigureAwait(false);
        var bare = await StoreSchema.SizeAsync(connectionString, Schema, cancellationToken).ConfigureAwait(false);
        log($"Loaded {loaded.Sum():N0} rows in {loadTime.TotalSeconds:0.0}s; {bare.BytesPerEvent:0} bytes per event with the primary key only");

        log($"Searches without the search indexes ({plan.RepeatsWithoutIndexes} of each)");
        var without = await MeasureAsync(connectionString, source, plan.RepeatsWithoutIndexes, plan.TimeoutWithoutIndexes, log, cancellationToken).ConfigureAwait(false);

        log("Applying the search migrations to the loaded rows");
        watch.Restart();
        var migrations = await StoreSchema.AddSearchIndexesAsync(connectionString, Schema, plan.ProposedIndexes, catalog: true, cancellationToken).ConfigureAwait(false);
        var indexTime = watch.Elapsed;
        var indexed = await StoreSchema.SizeAsync(connectionString, Schema, cancellationToken).ConfigureAwait(false);
        log($"Search migrations ({string.Join(", ", migrations)}) built in {indexTime.TotalSeconds:0.0}s; {indexed.BytesPerEvent:0} bytes per event");

        log($"Searches with the search indexes ({plan.Repeats} of each)");
        var with = await MeasureAsync(connectionString, source, plan.Repeats, TimeSpan.FromSeconds(60), log, cancellationToken).ConfigureAwait(false);
        if (!plan.KeepSearchData)
        {
            await StoreSchema.DropAsync(connectionString, Schema, cancellationToken).ConfigureAwait(false);
        }

        return new SearchResult(loaded.Sum(), plan.SearchDays, plan.SearchTenants, loadTime, plan.Streams, bare, indexed, migrations, indexTime, without, with);
    }

    /// <summary>
    /// Each search <paramref name="repeats"/> times with parameters from a fixed seed (so both passes ask the same),
    /// interleaved, on one connection, every row read.
    /// </summary>
    private static async Task<IReadOnlyList<QueryLatency>> MeasureAsync(
        string connectionString, SyntheticEvents source, int repeats, TimeSpan timeout, Action<string> log, CancellationToken cancellationToken)
    {
        var random = new Random(13);
        var kinds = SearchKind.All;
        var samples = kinds.ToDictionary(k => k.Id, _ => new List<double>());
        var rows = kinds.ToDictionary(k => k.Id, _ => new List<long>());
        var timeouts = kinds.ToDictionary(k => k.Id, _ => 0);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var set = new NpgsqlCommand($"SET statement_timeout = {(int)timeout.TotalMilliseconds}", connection))
        {
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var r = 0; r < repeats; r++)
        {
            foreach (var kind in kinds)
            {
                var (sql, parameters) = kind.Build(Schema, source, random);
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                command.Parameters.AddRange(parameters);
                var start = Stopwatch.GetTimestamp();
                long found = 0;
                try
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        found++;
                    }

                    samples[kind.Id].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.QueryCanceled)
                {
                    // Counted at the timeout: a lower bound of what the search would have taken.
                    timeouts[kind.Id]++;
                    samples[kind.Id].Add(timeout.TotalMilliseconds);
                    found = -1;
                }

                rows[kind.Id].Add(found);
            }
        }

        var result = kinds.Select(k => new QueryLatency(k.Id, k.Title, samples[k.Id], rows[k.Id], timeouts[k.Id])).ToList();
        foreach (var q in result)
        {
            log($"  {q.Title}: p50 {q.P50:0.0} ms, p95 {q.P95:0.0} ms, p99 {q.P99:0.0} ms over {q.Count}, {q.Rows.Where(n => n > 0).Sum():N0} rows{(q.Timeouts > 0 ? $", {q.Timeouts} timed out" : "")}");
        }

        return result;
    }
}

/// <summary>One of the issue's searches and how its parameters are drawn.</summary>
public sealed record SearchKind(string Id, string Title, Func<string, SyntheticEvents, Random, (string Sql, NpgsqlParameter[] Parameters)> Build)
{
    public static IReadOnlyList<SearchKind> All { get; } =
    [
        new("filters", "tenant + 1 h window + service + min_severity=warn", (schema, s, random) =>
        {
            var from = Hour(s, random);
            // The five busiest services (the skewed mix gives them most lines).
            return SearchStatements.Search(schema, s.Tenant(random.Next(s.Tenants)), SyntheticEvents.Service(random.Next(5)), Severity.Warn, null, null,
                from, from.AddHours(1), SearchBenchmark.Limit);
        }),
        new("fulltext", "tenant + full text (one word) over 24 h", (schema, s, random) =>
        {
            var from = Hour(s, random);
            // A word of middling frequency: neither in most lines nor in almost none.
            var word = SyntheticEvents.Words[20 + random.Next(200)];
            return SearchStatements.Search(schema, s.Tenant(random.Next(s.Tenants)), null, null, word, null, from, from.AddHours(24), SearchBenchmark.Limit);
        }),
        new("trace", "tenant + trace_id, no window (the whole retention)", (schema, s, random) =>
        {
            // As GET /v1/logs?trace_id= without from/to: from the earliest time to now, every partition.
            var (tenant, trace, _) = s.ExistingTrace(random);
            return SearchStatements.Search(schema, s.Tenant(tenant), null, null, null, trace, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow, SearchBenchmark.Limit);
        }),
    ];

    /// <summary>A whole hour within the data (the last day's last hours are left out so a 24 h window stays within it mostly).</summary>
    private static DateTimeOffset Hour(SyntheticEvents s, Random random)
    {
        var start = new DateTimeOffset(s.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return start.AddHours(random.Next(Math.Max(1, (s.Days * 24) - 24)));
    }
}

/// <param name="Rows">Rows each search returned, in order (-1: timed out).</param>
public sealed record QueryLatency(string Id, string Title, IReadOnlyList<double> Milliseconds, IReadOnlyList<long> Rows, int Timeouts)
{
    public int Count => Milliseconds.Count;
    public double P50 => Percentile(0.50);
    public double P95 => Percentile(0.95);
    public double P99 => Percentile(0.99);

    /// <summary>Nearest rank.</summary>
    private double Percentile(double p)
    {
        if (Milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = Milliseconds.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

public sealed record SearchResult(
    long Events, int Days, int Tenants, TimeSpan LoadTime, int LoadStreams, StorageSize WithoutIndexes, StorageSize WithIndexes,
    IReadOnlyList<string> Migrations, TimeSpan IndexBuildTime, IReadOnlyList<QueryLatency> Without, IReadOnlyList<QueryLatency> With)
{
    /// <summary>Same searches, same rows found with and without the indexes (timeouts aside), and every trace found whole.</summary>
    public bool Consistent => Without.Zip(With).All(p => p.First.Rows.Zip(p.Second.Rows).All(r => r.First < 0 || r.First == r.Second))
        && With.Single(q => q.Id == "trace").Rows.All(n => n == SyntheticEvents.EventsPerTrace)
        && With.All(q => q.Rows.Sum() > 0);
}
