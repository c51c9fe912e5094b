using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Enrichment;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// One delivery's metadata lookup: the distinct host and service keys of 500 events, answered from the warm in-process
/// cache, and cold from Postgres (tier 3; nothing cached, the state store's breaker open so it is not asked). Cold needs
/// a Postgres: LOGDAPR_BENCH_PG (an Npgsql connection string; a database the benchmark may create a schema in).
/// <c>dotnet run -c Release --project loadtest/microbench -- --filter '*EnrichmentLookup*'</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Percentiles))]
public class EnrichmentLookupBenchmarks
{
    private const string Schema = "logdapr_bench_enrichment";

    private NpgsqlDataSource? dataSource;
    private MetadataStateStore stateStore = null!;
    private TieredMetadataLookup warm = null!;
    private TieredMetadataLookup cold = null!;
    private TieredMetadataLookup breakersOpen = null!;
    private NpgsqlDataSource? unreachable;
    private HashSet<MetadataKey> keys = [];

    /// <summary>500 events from 50 hosts and 10 services (a usual delivery), or each from its own host and service.</summary>
    [Params(60, 1000)]
    public int DistinctKeys { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var hosts = DistinctKeys == 60 ? 50 : 500;
        keys = [.. Enumerable.Range(0, hosts).Select(i => new MetadataKey(MetadataKind.Host, $"host-{i:D4}")),
            .. Enumerable.Range(0, DistinctKeys - hosts).Select(i => new MetadataKey(MetadataKind.Service, $"service-{i:D4}"))];
        // A sidecar that is not there: the warm path never asks it; the cold one opens its breaker in the first calls.
        stateStore = new MetadataStateStore("logdapr-enrichment", "http://127.0.0.1:9", apiToken: null);
        var connectionString = Environment.GetEnvironmentVariable("LOGDAPR_BENCH_PG");
        dataSource = NpgsqlDataSource.Create(connectionString ?? "Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=1");
        if (connectionString is not null)
        {
            await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Schema, CancellationToken.None);
            await using var batch = dataSource.CreateBatch();
            foreach (var key in keys)
            {
                var insert = new NpgsqlBatchCommand($"INSERT INTO {Schema}.enrichment_metadata (kind, name, attributes) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING");
                insert.Parameters.Add(new NpgsqlParameter { Value = key.Kind == MetadataKind.Host ? "host" : "service" });
                insert.Parameters.Add(new NpgsqlParameter { Value = key.Name });
                insert.Parameters.Add(new NpgsqlParameter { Value = """{"region":"eu-west-1","rack":"r7","team":"payments","tier":"1"}""" });
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync();
        }

        var reader = new MetadataReader(dataSource, Options.Create(new PostgresOptions { ConnectionString = "bench", Schema = Schema }));
        warm = Lookup(reader, new EnrichmentOptions());
        // Fill the warm cache: every key answered (found, or cached "none" when there is no Postgres).
        await warm.LookupAsync(keys, CancellationToken.None);
        cold = Lookup(reader, new EnrichmentOptions { CacheTtl = TimeSpan.Zero, NegativeCacheTtl = TimeSpan.Zero, BreakerBreakDuration = TimeSpan.FromHours(1) });

        // Both sources unreachable and both breakers opened by failed calls: what a delivery waits for while the
        // state store and Postgres are down (nothing cached, every key answered "unavailable" without a remote call).
        unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=1");
        breakersOpen = Lookup(new MetadataReader(unreachable, Options.Create(new PostgresOptions { ConnectionString = "bench", Schema = Schema })),
            new EnrichmentOptions { CacheTtl = TimeSpan.Zero, NegativeCacheTtl = TimeSpan.Zero, BreakerBreakDuration = TimeSpan.FromHours(1) });
        var probe = new HashSet<MetadataKey> { new(MetadataKind.Host, "probe") };
        while (breakersOpen.StateStore.State.CircuitState != Polly.CircuitBreaker.CircuitState.Open
            || breakersOpen.Postgres.State.CircuitState != Polly.CircuitBreaker.CircuitState.Open)
        {
            await breakersOpen.LookupAsync(probe, CancellationToken.None);
        }
    }

    [Benchmark(Description = "lookup, both breakers open")]
    public async Task<int> BreakersOpen()
    {
        var answer = await breakersOpen.LookupAsync(keys, CancellationToken.None);
        return answer.Unavailable.Count == keys.Count ? answer.Unavailable.Count : throw new InvalidOperationException("a source answered with its breaker open");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        stateStore.Dispose();
        if (unreachable is not null)
        {
            await unreachable.DisposeAsync();
        }

        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Benchmark(Description = "lookup, warm in-process cache")]
    public async Task<int> Warm() => (await warm.LookupAsync(keys, CancellationToken.None)).Found.Count;

    [Benchmark(Description = "lookup, cold (Postgres)")]
    public async Task<int> Cold()
    {
        if (Environment.GetEnvironmentVariable("LOGDAPR_BENCH_PG") is null)
        {
            throw new InvalidOperationException("the cold lookup needs a Postgres: set LOGDAPR_BENCH_PG to an Npgsql connection string");
        }

        var answer = await cold.LookupAsync(keys, CancellationToken.None);
        return answer.Unavailable.Count == 0 ? answer.Found.Count : throw new InvalidOperationException("Postgres did not answer");
    }

    private TieredMetadataLookup Lookup(MetadataReader reader, EnrichmentOptions options) => new(
        stateStore, reader, new EnrichmentMetrics(new BenchMeterFactory()), Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);

    private sealed class Percentiles : ManualConfig
    {
        public Percentiles() => AddColumn(StatisticColumn.P95, new P99Column());
    }

    /// <summary>BenchmarkDotNet's percentile columns stop at P95; a batch's tail is what a delivery waits for.</summary>
    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "99th percentile of one batch lookup";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            => summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? (statistics.Percentiles.Percentile(99) / 1000.0).ToString("N2", CultureInfo.InvariantCulture) + " μs"
                : "NA";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    private sealed class BenchMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
