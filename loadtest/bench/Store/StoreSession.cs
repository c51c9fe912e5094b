using System.Diagnostics;
using LogDapr.Bench.Harness;
using LogDapr.Bench.Plan;
using LogDapr.Bench.Report;
using LogDapr.Configuration.Pipeline;
using LogDapr.LoadGen;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;
using LogDapr.LocalStack.Pipeline;
using LogDapr.LocalStack.Postgres;
using Npgsql;

namespace LogDapr.Bench.Store;

/// <summary>
/// The log store benchmark (<c>--store</c>), on one local stack (Postgres, development sidecar, counter, store,
/// ingest): the store draining a backlog end to end while the counter drains it too, accept-to-searchable under a
/// steady load, then — the apps stopped, Postgres kept — the store's statement against COPY, and search latency on
/// a large store with and without the search indexes.
/// </summary>
public sealed class StoreSession(BenchPlan bench, StorePlan plan, BenchOptions options, Action<string> log)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task<StoreResults> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var postgresBin = await PostgresBinaries.EnsureAsync(options.AllowInstall, log, cancellationToken).ConfigureAwait(false);
        var results = new StoreResults { Plan = plan, Machine = MachineInfo.Detect(options.RepoRoot, postgresBin), Command = options.Command };
        log("Starting the local stack (Postgres, development sidecar, counter, store, ingest)");
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            RunDirectory = Path.Combine(options.WorkDirectory, "store-stack"),
            AllowPostgresInstall = options.AllowInstall,
            SidecarArguments = ["--journal-fsync", "false"],
            // The store refuses to start without a cursor key outside Development; any key of 16+ characters serves here.
            AppEnvironment = new Dictionary<string, string?>(options.AppEnvironment) { ["Store__CursorKey"] = options.AppEnvironment.GetValueOrDefault("Store__CursorKey") ?? "bench-" + Guid.NewGuid().ToString("N") },
            Broker = LocalBroker.Redis,
            Report = log,
        }, cancellationToken).ConfigureAwait(false);
        var drain = new SidecarDrain(pipeline.SidecarHttpUrl);
        try
        {
            log("Warm-up through the whole pipeline");
            await LagAsync(pipeline, drain, plan.LagEventsPerSecond, bench.Warmup, cancellationToken).ConfigureAwait(false);
            results.Drain = await DrainAsync(pipeline, drain, cancellationToken).ConfigureAwait(false);
            results.Lag = await LagAsync(pipeline, drain, plan.LagEventsPerSecond, plan.LagDuration, cancellationToken).ConfigureAwait(false);

            // Postgres to itself for the statement, COPY and the searches, as for rsyslog in the main run.
            await pipeline.Ingest.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await pipeline.Aggregator.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await pipeline.Store.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await pipeline.Sidecar.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var connection = pipeline.Postgres.ConnectionString;
            results.Write = await StoreWriteBenchmark.RunAsync(connection, plan.WriteEvents, plan.Streams, plan.ProposedIndexes, log, cancellationToken).ConfigureAwait(false);
            // Printed now, not only in the report: the index build after it takes minutes, and a stopped run keeps this.
            log($"Store statement vs COPY: {results.Write.StatementEventsPerSecond:N0} vs {results.Write.CopyEventsPerSecond:N0} events/s, ratio {results.Write.Ratio:0.00}; "
                + $"{results.Write.StatementSize.Rows:N0} rows, exactly once: {(results.Write.ExactlyOnce ? "yes" : "NO")}");
            if (!results.Write.ExactlyOnce)
            {
                results.Problems.Add($"Store statement: {results.Write.StoredFirstTime:N0} stored, {results.Write.StoredOnRedelivery:N0} on redelivery, {results.Write.StatementSize.Rows:N0} rows for {results.Write.Events:N0} events; COPY {results.Write.CopySize.Rows:N0} rows");
            }

            results.Search = await SearchBenchmark.RunAsync(connection, plan, log, cancellationToken).ConfigureAwait(false);
            if (!results.Search.Consistent)
            {
                results.Problems.Add("Search: the searches found different rows with and without the indexes, a trace was not found whole, or a search found nothing");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            results.Problems.Add($"{ex.GetType().Name}: {ex.Message}{Environment.NewLine}{pipeline.Diagnostics()}");
            throw;
        }

        results.Duration = watch.Elapsed;
        results.LoadAfter = MachineInfo.LoadAverage();
        return results;
    }

    private Workload Batches() => Workload.Build(new PayloadOptions
    {
        EventsPerRequest = bench.BatchEvents,
        Tenants = bench.Tenants,
        InvalidShare = bench.InvalidShare,
        EventBytes = bench.EventBytes,
        TemplatesPerTenant = 8,
    });

    /// <summary>
    /// The store and the counter stopped, ingest fills the broker; both start again and the store is timed from its
    /// readiness until log_events holds every accepted event of the run's tenants (the counter drains alongside).
    /// </summary>
    private async Task<StoreDrain> DrainAsync(LocalPipeline pipeline, SidecarDrain drain, CancellationToken cancellationToken)
    {
        log("Stopping the store and the counter: ingest fills the broker");
        await pipeline.Store.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await pipeline.Aggregator.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        var workload = Batches();
        var (run, _) = await workload.RunAsync(pipeline.IngestUrl, null, bench.SaturationRate, bench.SaturationConcurrency, plan.DrainFillDuration, null, plan.VerifyTimeout, PollInterval, cancellationToken).ConfigureAwait(false);
        var tenants = Enumerable.Range(0, workload.Payload.Tenants).Select(workload.Payload.TenantId).ToArray();
        log($"Starting the counter and the store to drain {run.AcceptedEvents:N0} events");
        await using var rss = new RssSampler(() => new Dictionary<string, int?>
        {
            ["store"] = pipeline.Store.ProcessId,
            ["aggregator"] = pipeline.Aggregator.ProcessId,
            ["sidecar"] = pipeline.Sidecar.ProcessId,
        });
        await pipeline.StartAggregatorAsync(cancellationToken).ConfigureAwait(false);
        await pipeline.StartStoreAsync(cancellationToken).ConfigureAwait(false);
        var ready = Stopwatch.GetTimestamp();
        var rows = await WaitForRowsAsync(pipeline, tenants, run.AcceptedEvents, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(ready);
        var peaks = await rss.StopAsync().ConfigureAwait(false);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var watcher = new CountWatcher(new MetricsApiClient(http, pipeline.AggregatorUrl), tenants, run.StartedAt, PollInterval);
        var counting = await watcher.CompleteAsync(run.AcceptedPerTenant, [new ProgressSample(ready, run.AcceptedEvents)], plan.VerifyTimeout, TimeSpan.Zero,
            ct => drain.WaitAsync(plan.VerifyTimeout, ct), cancellationToken).ConfigureAwait(false);
        rows = await RowsAsync(pipeline, tenants, cancellationToken).ConfigureAwait(false);
        var storing = await StoringSpanAsync(pipeline, tenants, cancellationToken).ConfigureAwait(false);
        log($"Store drained {run.AcceptedEvents:N0} events in {elapsed.TotalSeconds:0.0}s ({run.AcceptedEvents / elapsed.TotalSeconds:N0} events/s), {rows:N0} rows; counting "
            + (counting.ExactlyOnce ? "exactly once" : "MISMATCH: " + counting.Problem));
        return new StoreDrain(run.AcceptedEvents, rows, elapsed, storing, counting with { Lag = null }, peaks);
    }

    /// <summary>A steady load through the whole pipeline; then, per stored event of the run, stored_at - received_at.</summary>
    private async Task<StoreLag> LagAsync(LocalPipeline pipeline, SidecarDrain drain, double eventsPerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var workload = Batches();
        log($"Accept to searchable at {eventsPerSecond:N0} events/s for {duration.TotalSeconds:0}s");
        var (run, counting) = await workload.RunAsync(pipeline.IngestUrl, pipeline.AggregatorUrl, eventsPerSecond / bench.BatchEvents, 64, duration, drain, plan.VerifyTimeout, PollInterval, cancellationToken).ConfigureAwait(false);
        var tenants = Enumerable.Range(0, workload.Payload.Tenants).Select(workload.Payload.TenantId).ToArray();
        var rows = await WaitForRowsAsync(pipeline, tenants, run.AcceptedEvents, cancellationToken).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(pipeline.Postgres.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), 0), coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), 0), coalesce(max(lag), 0)
            FROM (SELECT extract(epoch FROM stored_at - received_at) * 1000 AS lag
                  FROM {PipelineDefaults.PostgresSchema}.log_events WHERE tenant_id = ANY(@tenants)) l
            """, connection);
        command.Parameters.AddWithValue("tenants", tenants);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var lag = new StoreLag(eventsPerSecond, run.AcceptedEvents, rows, reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), counting);
        log($"Stored {rows:N0} of {run.AcceptedEvents:N0}; accept to stored p50 {lag.P50Ms:0} ms, p99 {lag.P99Ms:0} ms; counting "
            + (counting?.ExactlyOnce == true ? "exactly once" : "MISMATCH: " + counting?.Problem));
        return lag;
    }

    /// <summary>Polls the run's rows in log_events until there are <paramref name="expected"/> (or more, or the verify timeout).</summary>
    private async Task<long> WaitForRowsAsync(LocalPipeline pipeline, string[] tenants, long expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(plan.VerifyTimeout.TotalSeconds * Stopwatch.Frequency);
        // Once a second: counting millions of rows more often would take the cores the store is measured on.
        while (true)
        {
            var rows = await RowsAsync(pipeline, tenants, cancellationToken).ConfigureAwait(false);
            if (rows >= expected || Stopwatch.GetTimestamp() > deadline)
            {
                return rows;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>From the first row stored to the last (stored_at): the store's pace once deliveries reach it, without its start-up.</summary>
    private static async Task<TimeSpan> StoringSpanAsync(LocalPipeline pipeline, string[] tenants, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(pipeline.Postgres.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(extract(epoch FROM max(stored_at) - min(stored_at)), 0)::float8 FROM {PipelineDefaults.PostgresSchema}.log_events WHERE tenant_id = ANY(@tenants)", connection);
        command.Parameters.AddWithValue("tenants", tenants);
        return TimeSpan.FromSeconds((double)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    private static async Task<long> RowsAsync(LocalPipeline pipeline, string[] tenants, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(pipeline.Postgres.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {PipelineDefaults.PostgresSchema}.log_events WHERE tenant_id = ANY(@tenants)", connection);
        command.Parameters.AddWithValue("tenants", tenants);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
