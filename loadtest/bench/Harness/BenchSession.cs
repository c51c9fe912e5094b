using System.Diagnostics;
using System.Globalization;
using LogDapr.Bench.Baselines;
using LogDapr.Bench.Plan;
using LogDapr.Bench.Report;
using LogDapr.LoadGen;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Report;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;
using LogDapr.LocalStack.Pipeline;
using LogDapr.LocalStack.Postgres;
using LogDapr.LocalStack.Processes;
using LogDapr.MicroBenchmarks.Suite;

namespace LogDapr.Bench.Harness;

/// <summary>
/// One benchmark run: the bare-Kestrel ceiling, then the whole pipeline (ingest alone with the aggregator stopped,
/// the aggregator draining that backlog, single events, a sustained run at half the maximum, a flood for the peer
/// comparison), COPY into the same Postgres, and rsyslog with ompgsql — all in the same run on the same machine,
/// with every LogDapr figure backed by a read-back that proves each accepted event was counted exactly once.
/// </summary>
public sealed class BenchSession(BenchPlan plan, BenchOptions options, Action<string> log)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task<BenchResults> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var postgresBin = await PostgresBinaries.EnsureAsync(options.AllowInstall, log, cancellationToken).ConfigureAwait(false);
        var results = new BenchResults
        {
            Plan = plan,
            Machine = MachineInfo.Detect(options.RepoRoot, postgresBin),
            Command = options.Command,
            AppEnvironment = options.AppEnvironment,
            WithStore = !options.WithoutStore,
        };

        if (plan.MicroBenchmarks)
        {
            // First, while nothing else runs on the machine.
            log("Micro-benchmarks (BenchmarkDotNet, in-process)...");
            results.Micro = MicroSuite.RunInProcess(Path.Combine(options.WorkDirectory, "microbench"), plan.QuickMicroBenchmarks);
        }

        var batches = Templates(plan.BatchEvents);
        var singles = Templates(1);
        if (!plan.FloodOnly && !plan.SinkOnly)
        {
            await RunCeilingAsync(results, batches, singles, cancellationToken).ConfigureAwait(false);
        }

        await RunPipelineAsync(results, batches, singles, cancellationToken).ConfigureAwait(false);
        if (plan.ServicesShare && !plan.FloodOnly && !plan.SinglesOnly && !plan.SinkOnly && !options.SidecarDiscardsPublishes)
        {
            await RunServicesShareAsync(results, cancellationToken).ConfigureAwait(false);
        }

        if (plan.PerBroker && !plan.FloodOnly && !plan.SinglesOnly && !plan.SinkOnly)
        {
            foreach (var broker in Enum.GetValues<LocalBroker>())
            {
                await RunBrokerAsync(results, broker, cancellationToken).ConfigureAwait(false);
            }
        }

        results.Duration = watch.Elapsed;
        results.LoadAfter = MachineInfo.LoadAverage();
        return results;
    }

    private PayloadOptions Payload(int eventsPerRequest) => new()
    {
        EventsPerRequest = eventsPerRequest,
        Tenants = plan.Tenants,
        InvalidShare = plan.InvalidShare,
        EventBytes = plan.EventBytes,
        // Enough distinct single-event requests that the invalid share yields some all-invalid requests (expected 400s).
        TemplatesPerTenant = eventsPerRequest == 1 ? 64 : 8,
    };

    /// <summary>A scenario's requests, with a fresh tenant prefix so its counts are its own.</summary>
    private Workload Templates(int eventsPerRequest) => Workload.Build(Payload(eventsPerRequest));

    private async Task RunCeilingAsync(BenchResults results, Workload batches, Workload singles, CancellationToken cancellationToken)
    {
        var port = FreePorts.Next();
        var benchDll = typeof(BenchSession).Assembly.Location;
        await using var kestrel = new ManagedProcess(
            ProcessSpec.Dotnet("bare-kestrel", benchDll, ["bare-kestrel", "--port", port.ToString(CultureInfo.InvariantCulture)],
                new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0" }),
            Path.Combine(options.WorkDirectory, "logs"));
        log($"Starting the bare Kestrel ceiling on port {port}");
        kestrel.Start();
        var url = new Uri($"http://127.0.0.1:{port}");
        await kestrel.WaitForHttpAsync(new Uri(url, "/readyz"), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

        await batches.RunAsync(url, null, plan.CeilingRate, plan.SaturationConcurrency, plan.Warmup, null, plan.VerifyTimeout, PollInterval, cancellationToken).ConfigureAwait(false);
        await singles.RunAsync(url, null, plan.SingleRate, plan.SingleConcurrency, plan.Warmup, null, plan.VerifyTimeout, PollInterval, cancellationToken).ConfigureAwait(false);
        results.Scenarios.Add((await RepeatAsync(Throughput("requests/s", s => s.Run.RequestsPerSecond), run => MeasureAsync(
            "kestrel-batch", $"Bare Kestrel, batches of {plan.BatchEvents}, saturated{run}", "bare Kestrel",
            url, null, batches, plan.CeilingRate, plan.SaturationConcurrency, plan.SaturationDuration,
            () => new Dictionary<string, int?> { ["bare-kestrel"] = kestrel.ProcessId }, verify: false, cancellationToken)).ConfigureAwait(false)).Median);
        results.Scenarios.Add((await RepeatAsync(P99, run => MeasureAsync(
            "kestrel-single", $"Bare Kestrel, single events at {plan.SingleRate:N0} req/s{run}", "bare Kestrel",
            url, null, singles, plan.SingleRate, plan.SingleConcurrency, plan.SingleDuration,
            () => new Dictionary<string, int?> { ["bare-kestrel"] = kestrel.ProcessId }, verify: false, cancellationToken)).ConfigureAwait(false)).Median);
    }

    private async Task RunPipelineAsync(BenchResults results, Workload batches, Workload singles, CancellationToken cancellationToken)
    {
        log("Starting the local stack (Postgres, development sidecar, aggregator, ingest)");
        await using var pipeline = await StartStackAsync("stack", LocalBroker.Redis, cancellationToken).ConfigureAwait(false);
        var drain = new SidecarDrain(pipeline.SidecarHttpUrl);
        IReadOnlyDictionary<string, int?> Processes() => ProcessesOf(pipeline);

        try
        {
            log("Warm-up through the whole pipeline");
            var readBack = !options.SidecarDiscardsPublishes;
            await MeasureAsync("warmup", "warm-up", "LogDapr", pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(plan.BatchEvents),
                plan.SaturationRate / 4, plan.SaturationConcurrency, plan.Warmup, Processes, verify: readBack, cancellationToken, drain).ConfigureAwait(false);
            // Single events at the rate measured next: at 5,000 req/s the publishes go as bulks, code a slower warm-up
            // never runs, so its first measured run would time the JIT instead of ingest.
            await MeasureAsync("warmup", "warm-up", "LogDapr", pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(1),
                plan.SingleRate, plan.SingleConcurrency, plan.Warmup, Processes, verify: readBack, cancellationToken, drain).ConfigureAwait(false);

            if (plan.SinglesOnly)
            {
                await RunSinglesAsync(results, pipeline, Processes, drain, readBack, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (plan.FloodOnly)
            {
                await RunFloodAsync(results, pipeline, Processes, drain, cancellationToken).ConfigureAwait(false);
                return;
            }

            // 1. Ingest alone: the aggregator is stopped, so everything ingest accepts queues in the sidecar's broker.
            log("Stopping the aggregator: ingest is measured alone, its output queues in the broker");
            await pipeline.Aggregator.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            // Every run sends the same tenants, so the backlog of all of them is drained and verified together.
            var ingestWorkload = Templates(plan.BatchEvents);
            var (ingestOnly, ingestRuns) = await RepeatAsync(Throughput("events/s", s => s.Run.EventsPerSecond), run => MeasureAsync(
                "ingest-batch", $"Ingest, batches of {plan.BatchEvents}, saturated (aggregator stopped){run}", "LogDapr ingest",
                pipeline.IngestUrl, null, ingestWorkload, plan.SaturationRate, plan.SaturationConcurrency, plan.SaturationDuration,
                Processes, verify: false, cancellationToken)).ConfigureAwait(false);
            results.Scenarios.Add(ingestOnly);

            // 2. The aggregator drains that backlog: its exactly-once throughput into Postgres.
            results.Drain = await DrainAsync(pipeline, drain, ingestWorkload.Payload, ingestRuns, Processes, cancellationToken).ConfigureAwait(false);
            if (plan.SinkOnly)
            {
                await RunCopyAsync(results, pipeline, batches, cancellationToken).ConfigureAwait(false);
                return;
            }

            // 3. Single events at the two target rates, the whole pipeline running.
            await RunSinglesAsync(results, pipeline, Processes, drain, readBack: true, cancellationToken).ConfigureAwait(false);

            // 4. Sustained end to end at half of the maximum (the slower of ingest and the aggregator), with lag.
            var maximum = Math.Min(ingestOnly.Run.EventsPerSecond, results.Drain.EventsPerSecond);
            var sustained = plan.SustainedEventsPerSecond ?? Math.Max(1, maximum * plan.SustainedShare);
            results.Scenarios.Add((await RepeatAsync(LagP99, run => MeasureAsync(
                "pipeline-sustained", $"Pipeline end to end at {sustained:N0} events/s ({(plan.SustainedEventsPerSecond is null ? $"{plan.SustainedShare:P0} of the maximum" : "fixed")}){run}", "LogDapr",
                pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(plan.BatchEvents), sustained / plan.BatchEvents, 64, plan.SustainedDuration,
                Processes, verify: true, cancellationToken, drain)).ConfigureAwait(false)).Median);

            // 5. Flood: from the first send to the last event queryable, which rsyslog repeats with as many events.
            await RunFloodAsync(results, pipeline, Processes, drain, cancellationToken).ConfigureAwait(false);

            // 6. The sink ceiling: COPY of as many events as the aggregator drained.
            await RunCopyAsync(results, pipeline, batches, cancellationToken).ConfigureAwait(false);

            // 7. The peer: rsyslog + ompgsql with as many events as LogDapr's flood carried.
            await RunRsyslogAsync(results, pipeline, batches, results.Flood?.Events ?? 10_000, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            results.Problems.Add($"{ex.GetType().Name}: {ex.Message}{Environment.NewLine}{pipeline.Diagnostics()}");
            throw;
        }
    }

    private async Task RunCopyAsync(BenchResults results, LocalPipeline pipeline, Workload batches, CancellationToken cancellationToken)
    {
        var copyEvents = Math.Max(10_000, results.Drain?.Events ?? 0);
        log($"COPY baseline: {copyEvents:N0} events, {plan.CopyStreams} streams");
        results.Copy = await PostgresCopyBaseline.RunAsync(pipeline.Postgres.ConnectionString, batches.Templates, copyEvents, plan.CopyStreams, cancellationToken).ConfigureAwait(false);
        if (!results.Copy.Complete)
        {
            results.Problems.Add($"COPY baseline: {results.Copy.RowsInTable:N0} rows for {results.Copy.Events:N0} events");
        }
    }

    /// <summary>
    /// The single-event rates on a fresh stack whose development sidecar acknowledges every publish at once and stores
    /// nothing: what ingest itself costs, apart from the stand-in broker (nothing is read back).
    /// </summary>
    private async Task RunServicesShareAsync(BenchResults results, CancellationToken cancellationToken)
    {
        log("Starting a local stack whose development sidecar acknowledges publishes at once (the services' share)");
        await using var pipeline = await StartStackAsync("stack-services", LocalBroker.Redis, cancellationToken, discardPublishes: true).ConfigureAwait(false);
        var drain = new SidecarDrain(pipeline.SidecarHttpUrl);
        IReadOnlyDictionary<string, int?> Processes() => ProcessesOf(pipeline);
        try
        {
            await MeasureAsync("warmup", "warm-up", "LogDapr", pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(1),
                plan.SingleRate, plan.SingleConcurrency, plan.Warmup, Processes, verify: false, cancellationToken, drain).ConfigureAwait(false);
            await RunSinglesAsync(results, pipeline, Processes, drain, readBack: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            results.Problems.Add($"services' share: {ex.GetType().Name}: {ex.Message}{Environment.NewLine}{pipeline.Diagnostics()}");
            throw;
        }
    }

    /// <param name="readBack">False when the sidecar discards publishes: the runs are then the services' share (ids ending in <see cref="BenchResults.ServicesShareSuffix"/>).</param>
    private async Task RunSinglesAsync(BenchResults results, LocalPipeline pipeline, Func<IReadOnlyDictionary<string, int?>> processes, SidecarDrain drain,
        bool readBack, CancellationToken cancellationToken)
    {
        var discarded = readBack ? "" : ", sidecar discarding publishes";
        var suffix = readBack ? "" : BenchResults.ServicesShareSuffix;
        results.Scenarios.Add((await RepeatAsync(P99, run => MeasureAsync(
            "ingest-single" + suffix, $"Ingest, single events at {plan.SingleRate:N0} req/s{discarded}{run}", "LogDapr",
            pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(1), plan.SingleRate, plan.SingleConcurrency, plan.SingleDuration,
            processes, verify: readBack, cancellationToken, drain)).ConfigureAwait(false)).Median);
        results.Scenarios.Add((await RepeatAsync(P99, run => MeasureAsync(
            "ingest-single-high" + suffix, $"Ingest, single events at {plan.HighSingleRate:N0} req/s{discarded}{run}", "LogDapr",
            pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(1), plan.HighSingleRate, plan.SingleConcurrency, plan.SingleDuration,
            processes, verify: readBack, cancellationToken, drain)).ConfigureAwait(false)).Median);
    }

    /// <summary>How a repeated scenario's runs are compared: the figure, its unit and how to read it from a run.</summary>
    private sealed record Figure(string Name, string Unit, Func<ScenarioResult, double> Of);

    private static Figure Throughput(string unit, Func<ScenarioResult, double> of) => new(unit, unit, of);

    private static readonly Figure P99 = new("p99 latency", "ms", s => s.Run.Latency.ValueAtPercentile(99) / 1000.0);

    private static readonly Figure LagP99 = new("p99 end-to-end lag", "ms", s => s.Verification?.Lag?.P99.TotalMilliseconds ?? double.NaN);

    /// <summary>
    /// Runs a scenario <see cref="BenchPlan.Repeats"/> times in a row and returns the median run by <paramref name="figure"/>,
    /// carrying every run's figure, and all runs (their titles say which run they were).
    /// </summary>
    private async Task<(ScenarioResult Median, IReadOnlyList<ScenarioResult> Runs)> RepeatAsync(Figure figure, Func<string, Task<ScenarioResult>> measure)
    {
        var runs = new List<ScenarioResult>();
        for (var run = 1; run <= plan.Repeats; run++)
        {
            runs.Add(await measure(plan.Repeats == 1 ? "" : $" (run {run} of {plan.Repeats})").ConfigureAwait(false));
        }

        if (runs.Count == 1)
        {
            return (runs[0], runs);
        }

        var median = runs.OrderBy(figure.Of).ElementAt(runs.Count / 2);
        var title = median.Title[..median.Title.LastIndexOf(" (run ", StringComparison.Ordinal)];
        var spread = new RunSpread(figure.Name, figure.Unit, runs.Select(figure.Of).ToList());
        log($"{title}: median {spread.Format(spread.Median)}, min {spread.Format(spread.Min)}, max {spread.Format(spread.Max)}{(spread.IsNoisy ? " (noisy)" : "")}");
        return (median with { Title = $"{title} (median of {runs.Count})", Spread = spread }, runs);
    }

    private async Task RunFloodAsync(BenchResults results, LocalPipeline pipeline, Func<IReadOnlyDictionary<string, int?>> processes, SidecarDrain drain,
        CancellationToken cancellationToken)
    {
        var flood = await MeasureAsync(
            "pipeline-flood", $"Pipeline flood, batches of {plan.BatchEvents}, send to queryable", "LogDapr",
            pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(plan.BatchEvents), plan.SaturationRate, plan.SaturationConcurrency, plan.FloodDuration,
            processes, verify: true, cancellationToken, drain).ConfigureAwait(false);
        results.Scenarios.Add(flood);
        if (flood.Verification is { AllCountedAfterLastAccept: { } tail } verification)
        {
            var lastAccept = TimeSpan.FromSeconds((flood.Run.AcceptedCurve[^1].Timestamp - flood.Run.StartTimestamp) / (double)Stopwatch.Frequency);
            results.Flood = new FloodResult(flood.Run.AcceptedEvents, flood.Run.Elapsed, lastAccept + tail, verification);
        }
    }

    /// <summary>
    /// The flood on a fresh stack whose sidecar emulates <paramref name="broker"/>'s delivery (native bulk for Kafka,
    /// daprd's DefaultBulkSubscriber for Redis and JetStream), with the component settings in components/.
    /// </summary>
    private async Task RunBrokerAsync(BenchResults results, LocalBroker broker, CancellationToken cancellationToken)
    {
        var name = broker.ToString().ToLowerInvariant();
        log($"Starting a local stack emulating {name}");
        await using var pipeline = await StartStackAsync("stack-" + name, broker, cancellationToken).ConfigureAwait(false);
        var drain = new SidecarDrain(pipeline.SidecarHttpUrl);
        IReadOnlyDictionary<string, int?> Processes() => ProcessesOf(pipeline);

        try
        {
            await MeasureAsync("warmup", "warm-up", "LogDapr", pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(plan.BatchEvents),
                plan.SaturationRate / 4, plan.SaturationConcurrency, plan.Warmup, Processes, verify: true, cancellationToken, drain).ConfigureAwait(false);
            var flood = await MeasureAsync(
                "broker-" + name, $"Pipeline flood, batches of {plan.BatchEvents}, {name} emulation", "LogDapr",
                pipeline.IngestUrl, pipeline.AggregatorUrl, Templates(plan.BatchEvents), plan.SaturationRate, plan.SaturationConcurrency, plan.FloodDuration,
                Processes, verify: true, cancellationToken, drain).ConfigureAwait(false);
            results.Brokers.Add((name, flood));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            results.Problems.Add($"{name} emulation: {ex.GetType().Name}: {ex.Message}{Environment.NewLine}{pipeline.Diagnostics()}");
            throw;
        }
    }

    /// <summary>Same settings as the end-to-end tests: no fsync in the sidecar journal or Postgres (see the report).</summary>
    private Task<LocalPipeline> StartStackAsync(string directory, LocalBroker broker, CancellationToken cancellationToken, bool? discardPublishes = null)
        => LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            RunDirectory = Path.Combine(options.WorkDirectory, directory),
            AllowPostgresInstall = options.AllowInstall,
            SidecarArguments = (discardPublishes ?? options.SidecarDiscardsPublishes) ? ["--journal-fsync", "false", "--bench-discard-publishes"] : ["--journal-fsync", "false"],
            AppEnvironment = options.AppEnvironment,
            Broker = broker,
            ProcessingRulesFile = options.ProcessingRulesFile,
            WithStore = !options.WithoutStore,
            Report = log,
        }, cancellationToken);

    private static Dictionary<string, int?> ProcessesOf(LocalPipeline pipeline) => new()
    {
        ["ingest"] = pipeline.Ingest.ProcessId,
        ["aggregator"] = pipeline.Aggregator.ProcessId,
        ["sidecar"] = pipeline.Sidecar.ProcessId,
        ["processor"] = pipeline.Processor?.ProcessId,
        ["store"] = pipeline.HasStore ? pipeline.Store.ProcessId : null,
    };

    private async Task<AggregatorDrain> DrainAsync(
        LocalPipeline pipeline, SidecarDrain drain, PayloadOptions payload, IReadOnlyList<ScenarioResult> ingestRuns, Func<IReadOnlyDictionary<string, int?>> processes, CancellationToken cancellationToken)
    {
        var backlog = ingestRuns.Sum(r => r.Run.AcceptedEvents);
        var perTenant = Enumerable.Range(0, payload.Tenants).Select(t => ingestRuns.Sum(r => r.Run.AcceptedPerTenant[t])).ToList();
        log($"Starting the aggregator to drain {backlog:N0} events ({await drain.PendingAsync(cancellationToken).ConfigureAwait(false):N0} messages pending)");
        await using var rss = new RssSampler(processes);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = new MetricsApiClient(http, pipeline.AggregatorUrl);
        var tenantIds = Enumerable.Range(0, payload.Tenants).Select(payload.TenantId).ToList();
        await pipeline.StartAggregatorAsync(cancellationToken).ConfigureAwait(false);
        // From readiness: the figure is the aggregator's throughput, not its start-up time.
        var ready = Stopwatch.GetTimestamp();
        await using var watcher = new CountWatcher(metrics, tenantIds, ingestRuns[0].Run.StartedAt, PollInterval);
        var verification = await watcher.CompleteAsync(
            perTenant, [new ProgressSample(ready, backlog)], plan.VerifyTimeout, TimeSpan.Zero,
            ct => drain.WaitAsync(plan.VerifyTimeout, ct), cancellationToken).ConfigureAwait(false);
        var peaks = await rss.StopAsync().ConfigureAwait(false);
        var elapsed = verification.AllCountedAfterLastAccept ?? Stopwatch.GetElapsedTime(ready);
        log($"Aggregator drained {backlog:N0} events in {elapsed.TotalSeconds:0.0}s: {backlog / elapsed.TotalSeconds:N0} events/s, "
            + (verification.ExactlyOnce ? "exactly once" : "MISMATCH: " + verification.Problem));
        return new AggregatorDrain(backlog, elapsed, verification with { Lag = null }, peaks);
    }

    private async Task RunRsyslogAsync(BenchResults results, LocalPipeline pipeline, Workload batches, long events, CancellationToken cancellationToken)
    {
        results.RsyslogSkipped = options.SkipRsyslog
            ? "skipped (--skip-rsyslog)"
            : await RsyslogInstall.EnsureAsync(options.AllowInstall, log, cancellationToken).ConfigureAwait(false);
        if (results.RsyslogSkipped is not null)
        {
            log("rsyslog peer: " + results.RsyslogSkipped);
            return;
        }

        events = Math.Min(events, plan.MaxPeerEvents);
        // Fair share of the machine: stop the LogDapr apps so rsyslog has the cores LogDapr had (Postgres stays).
        await pipeline.Ingest.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await pipeline.Aggregator.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await pipeline.Sidecar.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        log($"rsyslog peer: {events:N0} events over TCP into ompgsql");
        var workers = Math.Max(1, Environment.ProcessorCount);
        await using var peer = await RsyslogPeer.StartAsync(Path.Combine(options.WorkDirectory, "rsyslog"), pipeline.Postgres.ConnectionString, pipeline.Postgres.Port, workers, cancellationToken)
            .ConfigureAwait(false);
        await using var rss = new RssSampler(() => new Dictionary<string, int?> { ["rsyslogd"] = peer.ProcessId });
        results.Rsyslog = await peer.RunAsync(batches.Templates, events, workers, plan.VerifyTimeout, cancellationToken).ConfigureAwait(false);
        results.RsyslogPeakRss = await rss.StopAsync().ConfigureAwait(false);
        if (!results.Rsyslog.Complete)
        {
            results.Problems.Add($"rsyslog peer: only {results.Rsyslog.RowsInTable:N0} of {events:N0} events became rows within {plan.VerifyTimeout}.{Environment.NewLine}{peer.Tail()}");
        }
    }

    private async Task<ScenarioResult> MeasureAsync(
        string id, string title, string system, Uri url, Uri? metricsUrl, Workload workload,
        double rate, int concurrency, TimeSpan duration, Func<IReadOnlyDictionary<string, int?>> processes, bool verify,
        CancellationToken cancellationToken, SidecarDrain? drain = null)
    {
        log($"{title}: {rate:N0} req/s offered for {duration.TotalSeconds:0}s, cap {concurrency}");
        await using var rss = new RssSampler(processes);
        var (run, verification) = await workload.RunAsync(url, verify ? metricsUrl : null, rate, concurrency, duration, drain, plan.VerifyTimeout, PollInterval, cancellationToken).ConfigureAwait(false);
        var peaks = await rss.StopAsync().ConfigureAwait(false);
        var result = new ScenarioResult(id, title, system, run, verification, peaks);
        log(TextReport.Format(run, verification));
        return result;
    }
}
