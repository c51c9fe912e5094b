using System.Globalization;
using System.Text;
using LogDapr.LoadGen.Report;

namespace LogDapr.Bench.Report;

/// <summary>
/// Writes the figures of a run into docs/benchmarks.md between two markers, so the hand-written analysis around them
/// (bottlenecks, proposed fixes) survives a re-run.
/// </summary>
public static class MarkdownReport
{
    public const string Begin = "<!-- BEGIN GENERATED: loadtest/bench writes this section; edit outside it -->";
    public const string End = "<!-- END GENERATED -->";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static async Task WriteAsync(string path, BenchResults results, CancellationToken cancellationToken)
    {
        var generated = Render(results);
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
        string text;
        var start = existing?.IndexOf(Begin, StringComparison.Ordinal) ?? -1;
        var end = existing?.IndexOf(End, StringComparison.Ordinal) ?? -1;
        if (existing is not null && start >= 0 && end > start)
        {
            text = existing[..start] + generated + existing[(end + End.Length)..];
        }
        else
        {
            text = "# Benchmarks\n\n" + generated + "\n";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }

    public static string Render(BenchResults r)
    {
        var md = new StringBuilder();
        md.AppendLine(Begin);
        Setup(md, r);
        Targets(md, r);
        Ratios(md, r);
        Scenarios(md, r);
        Spreads(md, r);
        Brokers(md, r);
        Micro(md, r);
        Correctness(md, r);
        md.Append(End);
        return md.ToString();
    }

    private static void Setup(StringBuilder md, BenchResults r)
    {
        var m = r.Machine;
        md.AppendLine();
        md.AppendLine("## Run");
        md.AppendLine();
        md.AppendLine(C, $"- Command: `{r.Command}` (plan `{r.Plan.Name}`), {r.StartedAt:yyyy-MM-dd HH:mm} UTC, took {r.Duration.TotalMinutes:0.0} min");
        md.AppendLine(C, $"- Commit: `{m.Commit}`");
        if (r.AppEnvironment.Count > 0)
        {
            md.AppendLine(C, $"- Service configuration changed for this run: {string.Join(", ", r.AppEnvironment.Select(e => $"`{e.Key}={e.Value}`"))}");
        }

        md.AppendLine(C, $"- Machine: {m.Cpu}, {m.Cores} cores, {m.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {m.Os}; {m.Runtime}; {m.Postgres}; load average {r.LoadBefore} before the run, {r.LoadAfter} at its end");
        md.AppendLine("- Everything on this one machine, in the same run: the load generator, the bare-Kestrel ceiling, Postgres, the development sidecar, "
            + "ingest, the aggregator and rsyslog. The generator shares the cores with the system under test, so every figure is a lower bound of what "
            + "the services do with the cores to themselves.");
        md.AppendLine(r.WithStore
            ? "- The log store ran alongside the counter (`spec.storage.enabled: true`, the default): its own consumer group stores every event into "
                + "`log_events` with the search indexes, on the same cores and Postgres, so every figure includes it."
            : "- The counting pipeline alone (`--without-store`, a LogPipeline with `spec.storage.enabled: false`): no log store consumer group "
                + "shares the cores and Postgres with the counter. The store is measured by its own benchmark (`--store`).");
        md.AppendLine("- The development sidecar stands in for daprd (broker, Postgres binding); its journal runs without fsync and Postgres with "
            + "`fsync=off`, as in the end-to-end tests. COPY and rsyslog write into the same Postgres with the same settings.");
        md.Append(C, $"- Events: ~{r.Plan.EventBytes} bytes of JSON each, {r.Plan.Tenants} tenants per run (unique to the run, so counts are isolated), ");
        md.Append(C, $"{r.Plan.InvalidShare:P0} invalid on purpose (ingest must reject them and they must not be counted). ");
        md.AppendLine("Latency is measured from the intended send time of an open-model schedule (no coordinated omission); "
            + "\"dropped\" are sends that were due while the concurrency cap was reached.");
    }

    private static void Targets(StringBuilder md, BenchResults r)
    {
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | |");
        md.AppendLine("|---|---|---|");
        var ingest = r.Scenario("ingest-batch");
        var kestrel = r.Scenario("kestrel-batch");
        var sustained = r.Scenario("pipeline-sustained");
        if (ingest is not null)
        {
            Row(md, $"Ingest, batches of {r.Plan.BatchEvents}: >= 150,000 events/s", WithSpread($"{ingest.Run.EventsPerSecond:N0} events/s", ingest), ingest.Run.EventsPerSecond >= 150_000);
            if (kestrel is not null)
            {
                // The bodies are identical, so requests/s compare the two; bare Kestrel accepts nothing, hence no event count of its own.
                var ratio = ingest.Run.RequestsPerSecond / Math.Max(1e-9, kestrel.Run.RequestsPerSecond);
                Row(md, "Ingest >= 0.5 of the bare-Kestrel ceiling", $"{ratio:0.00} ({ingest.Run.RequestsPerSecond:N0} vs {kestrel.Run.RequestsPerSecond:N0} requests/s of {r.Plan.BatchEvents} events)", ratio >= 0.5);
            }
        }

        SingleEventTargets(md, r);

        if (r.Drain is { } drain)
        {
            Row(md, "Aggregator into Postgres, exactly once: >= 150,000 events/s", $"{drain.EventsPerSecond:N0} events/s ({drain.Events:N0} events in {drain.Elapsed.TotalSeconds:0.0}s)",
                drain.EventsPerSecond >= 150_000 && drain.Verification.ExactlyOnce);
        }

        if (sustained?.Verification?.Lag is { } lag)
        {
            Row(md, "End-to-end p99 lag < 2 s at half of the maximum", $"p99 {lag.P99.TotalMilliseconds:N0} ms at {sustained.Run.EventsPerSecond:N0} events/s", lag.P99 < TimeSpan.FromSeconds(2));
        }

        // Ingest reads a request with Encode (LogEventReader.Read is what the store and the processor use).
        var reader = r.Micro.FirstOrDefault(x => x.Name.StartsWith("LogEventReader.Encode", StringComparison.Ordinal));
        if (reader is not null)
        {
            Row(md, "Parse + validate + normalize >= 1,000,000 events/s per core (LogEventReader.Encode, as ingest reads a request)", $"{reader.EventsPerSecondPerCore:N0} events/s", reader.EventsPerSecondPerCore >= 1_000_000);
        }

        var ingestPath = r.Micro.FirstOrDefault(x => x.Name.StartsWith("Ingest path", StringComparison.Ordinal));
        if (ingestPath?.MaxAllocationsPerEvent is { } pathAllocations)
        {
            Row(md, "Ingest path, request body to publish payloads: < 1 allocation per event", $"at most {pathAllocations:0.00} allocations/event ({ingestPath.AllocatedBytesPerEvent:0.0} B/event, most of it the published envelope, one array per message)", pathAllocations < 1);
        }

        var aggregate = r.Micro.FirstOrDefault(x => x.Name.StartsWith("BucketAggregator", StringComparison.Ordinal));
        if (aggregate?.MaxAllocationsPerEvent is { } allocations)
        {
            Row(md, "Aggregation < 1 allocation per event", $"{aggregate.AllocatedBytesPerEvent:0.0} B/event, so at most {allocations:0.00} allocations/event", allocations < 1);
        }

        var ingestRss = r.Scenarios.Where(s => s.System.StartsWith("LogDapr", StringComparison.Ordinal)).Select(s => s.PeakRssBytes.GetValueOrDefault("ingest")).DefaultIfEmpty().Max();
        var aggregatorRss = Math.Max(
            r.Scenarios.Select(s => s.PeakRssBytes.GetValueOrDefault("aggregator")).DefaultIfEmpty().Max(),
            r.Drain?.PeakRssBytes.GetValueOrDefault("aggregator") ?? 0);
        if (ingestRss > 0)
        {
            Row(md, "RSS of ingest under maximum load < 200 MB", Mb(ingestRss), ingestRss < 200L * 1024 * 1024);
        }

        if (aggregatorRss > 0)
        {
            Row(md, "RSS of the aggregator under maximum load < 250 MB", Mb(aggregatorRss), aggregatorRss < 250L * 1024 * 1024);
        }
    }

    private static void Ratios(StringBuilder md, BenchResults r)
    {
        md.AppendLine();
        md.AppendLine("## Side by side");
        md.AppendLine();
        md.AppendLine("| comparison | LogDapr | baseline | ratio |");
        md.AppendLine("|---|---|---|---|");
        var ingest = r.Scenario("ingest-batch");
        var kestrel = r.Scenario("kestrel-batch");
        if (ingest is not null && kestrel is not null)
        {
            var ingestEvents = ingest.Run.RequestsPerSecond * r.Plan.BatchEvents;
            var kestrelEvents = kestrel.Run.RequestsPerSecond * r.Plan.BatchEvents;
            md.AppendLine(C, $"| HTTP ceiling: ingest vs bare Kestrel reading and discarding the same bodies (events/s sent in batches of {r.Plan.BatchEvents}, valid and invalid) | {ingestEvents:N0} | {kestrelEvents:N0} | {ingestEvents / kestrelEvents:0.00} |");
            md.AppendLine(C, $"| same, requests/s | {ingest.Run.RequestsPerSecond:N0} | {kestrel.Run.RequestsPerSecond:N0} | {ingest.Run.RequestsPerSecond / kestrel.Run.RequestsPerSecond:0.00} |");
        }

        if (r.Scenario("kestrel-single") is { } kestrelSingle)
        {
            foreach (var (id, what) in new[] { ("ingest-single", "whole pipeline"), ("ingest-single" + BenchResults.ServicesShareSuffix, "services' share, the sidecar acknowledging at once") })
            {
                if (r.Scenario(id) is { } single)
                {
                    md.AppendLine(C, $"| Single events at {r.Plan.SingleRate:N0} req/s, {what}: p99 latency | {TextReport.Ms(single.Run.Latency.ValueAtPercentile(99))} | {TextReport.Ms(kestrelSingle.Run.Latency.ValueAtPercentile(99))} | {single.Run.Latency.ValueAtPercentile(99) / (double)Math.Max(1, kestrelSingle.Run.Latency.ValueAtPercentile(99)):0.0}x |");
                }
            }
        }

        if (r.Drain is { } drain && r.Copy is { } copy)
        {
            md.AppendLine(C, $"| Sink ceiling: aggregator exactly-once write vs COPY of the same events ({copy.Streams} streams) into the same Postgres (events/s) | {drain.EventsPerSecond:N0} | {copy.EventsPerSecond:N0} | {drain.EventsPerSecond / copy.EventsPerSecond:0.00} |");
        }

        if (r.Flood is { } flood && r.Rsyslog is { } rsyslog)
        {
            md.AppendLine(C, $"| Peer: send to queryable, LogDapr ({flood.Events:N0} events over HTTP) vs rsyslog + ompgsql ({rsyslog.Events:N0} events over TCP syslog), events/s | {flood.EventsPerSecond:N0} | {rsyslog.EventsPerSecond:N0} | {flood.EventsPerSecond / rsyslog.EventsPerSecond:0.00} |");
            md.AppendLine(C, $"| same, time from first send to last event queryable | {flood.SendToQueryable.TotalSeconds:0.0} s | {rsyslog.SendToQueryable.TotalSeconds:0.0} s | |");
        }
        else if (r.RsyslogSkipped is not null)
        {
            md.AppendLine(C, $"| Peer: rsyslog + ompgsql | | not measured: {r.RsyslogSkipped} | |");
        }

        md.AppendLine();
        md.AppendLine("What the baselines do not do: bare Kestrel validates and stores nothing; COPY and rsyslog store one raw row per event "
            + "(no validation, no aggregation, no de-duplication: a redelivery would be a second row), while LogDapr validates every event, answers "
            + "only after the broker has it, and writes per-minute counts exactly once.");
        if (r.Rsyslog is { } peer)
        {
            md.AppendLine(C, $"rsyslog ran with {peer.Workers} ompgsql workers, batches of 1,000 per transaction; the LogDapr apps were stopped during its run; peak RSS of rsyslogd {Mb(r.RsyslogPeakRss.GetValueOrDefault("rsyslogd"))}; sending took {peer.SendTime.TotalSeconds:0.0} s.");
        }
    }

    private static void Scenarios(StringBuilder md, BenchResults r)
    {
        md.AppendLine();
        md.AppendLine("## Scenarios");
        md.AppendLine();
        md.AppendLine("| scenario | offered req/s | completed req/s | accepted events/s | p50 | p90 | p99 | p99.9 | max | dropped at cap | errors | counted exactly once | e2e lag p50 / p99 | peak RSS |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in r.Scenarios)
        {
            var run = s.Run;
            var v = s.Verification;
            var exact = v is null ? "not read back" : v.ExactlyOnce ? $"yes ({v.Counted:N0})" : $"**NO**: {v.Counted:N0} of {v.Expected:N0} ({v.Problem})";
            var lag = v?.Lag is { } l ? $"{l.P50.TotalMilliseconds:N0} / {l.P99.TotalMilliseconds:N0} ms" : "";
            var rss = string.Join(", ", s.PeakRssBytes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {Mb(p.Value)}"));
            var errors = run.Errors == 0 ? "0" : $"{run.Errors:N0} ({string.Join(", ", run.Statuses.Where(x => x.Key != 202 && !(x.Key == 400 && run.ExpectedRejections > 0)).Select(x => $"{x.Key}: {x.Value:N0}").Concat(run.TransportErrors.Select(x => $"{x.Key}: {x.Value:N0}")))})";
            md.AppendLine(C, $"| {s.Title} | {run.OfferedRequestsPerSecond:N0} | {run.RequestsPerSecond:N0} | {(s.System == "bare Kestrel" ? "-" : run.EventsPerSecond.ToString("N0", C))} | {P(run, 50)} | {P(run, 90)} | {P(run, 99)} | {P(run, 99.9)} | {TextReport.Ms(run.Latency.Max)} | {run.DroppedAtCap:N0} | {errors} | {exact} | {lag} | {rss} |");
        }

        if (r.Drain is { } drain)
        {
            md.AppendLine();
            md.AppendLine(C, $"Aggregator drain: {drain.Events:N0} events queued while it was stopped were counted in {drain.Elapsed.TotalSeconds:0.0} s from its readiness: "
                + $"{drain.EventsPerSecond:N0} events/s, {(drain.Verification.ExactlyOnce ? "exactly once" : "**MISMATCH** " + drain.Verification.Problem)}; "
                + $"peak RSS {string.Join(", ", drain.PeakRssBytes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {Mb(p.Value)}"))}.");
        }

        if (r.Copy is { } copy)
        {
            md.AppendLine();
            md.AppendLine(C, $"COPY: {copy.Events:N0} rows in {copy.Elapsed.TotalSeconds:0.0} s over {copy.Streams} binary COPY streams ({copy.EventsPerSecond:N0} rows/s); {copy.RowsInTable:N0} rows found afterwards.");
        }

        md.AppendLine();
        md.AppendLine("Latency columns are response times from the intended send time; the generator's own dispatch lateness (p99) was "
            + string.Join(", ", r.Scenarios.Select(s => $"{s.Id} {TextReport.Ms(s.Run.DispatchLag.ValueAtPercentile(99))}")) + ".");
    }

    private static void Brokers(StringBuilder md, BenchResults r)
    {
        if (r.Brokers.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Per broker emulation");
        md.AppendLine();
        md.AppendLine("The same flood on a fresh stack for each broker type the development sidecar emulates, with the component settings in "
            + "`components/` (Redis: `concurrency` 100, so daprd's DefaultBulkSubscriber fills batches of the aggregator's `maxMessagesCount`; "
            + "Kafka: native bulk subscribe; JetStream: `concurrencyMode: parallel`).");
        md.AppendLine();
        md.AppendLine("| broker | accepted events/s | send to queryable, events/s | e2e lag p50 / p99 | counted exactly once | peak RSS |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (broker, flood) in r.Brokers)
        {
            var v = flood.Verification;
            var queryable = v?.AllCountedAfterLastAccept is { } tail && flood.Run.AcceptedCurve.Count > 0
                ? (flood.Run.AcceptedEvents / (TimeSpan.FromSeconds((flood.Run.AcceptedCurve[^1].Timestamp - flood.Run.StartTimestamp) / (double)System.Diagnostics.Stopwatch.Frequency) + tail).TotalSeconds).ToString("N0", C)
                : "?";
            var lag = v?.Lag is { } l ? $"{l.P50.TotalMilliseconds:N0} / {l.P99.TotalMilliseconds:N0} ms" : "";
            var exact = v is null ? "not read back" : v.ExactlyOnce ? $"yes ({v.Counted:N0})" : $"**NO**: {v.Counted:N0} of {v.Expected:N0}";
            var rss = string.Join(", ", flood.PeakRssBytes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {Mb(p.Value)}"));
            md.AppendLine(C, $"| {broker} | {flood.Run.EventsPerSecond:N0} | {queryable} | {lag} | {exact} | {rss} |");
        }
    }

    private static void Micro(StringBuilder md, BenchResults r)
    {
        if (r.Micro.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Micro-benchmarks (BenchmarkDotNet, MemoryDiagnoser, one core)");
        md.AppendLine();
        md.AppendLine("| benchmark | mean per operation | events/s per core | allocated per operation | bytes per event | allocations per event (at most) |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in r.Micro)
        {
            md.AppendLine(C, $"| {m.Name} | {m.MeanNanoseconds / 1e6:0.000} ms ± {m.ErrorNanoseconds / 1e6:0.000} | {m.EventsPerSecondPerCore:N0} | {(m.AllocatedBytesPerOperation is { } a ? $"{a / 1024.0:N1} KiB" : "?")} | {m.AllocatedBytesPerEvent:0.0} | {m.MaxAllocationsPerEvent:0.00} |");
        }

        md.AppendLine();
        md.AppendLine("\"Allocations per event (at most)\" is bytes per event / 24, the smallest object on the 64-bit managed heap: below 1 proves fewer than one allocation per event. "
            + "For the ingest path, the published envelopes (one array per message, sized by its events) count one allocation each and their bytes are taken out first. "
            + "Standalone: `dotnet run -c Release --project loadtest/microbench -- --filter '*'`.");
    }

    private static void Correctness(StringBuilder md, BenchResults r)
    {
        md.AppendLine();
        md.AppendLine("## Correctness");
        md.AppendLine();
        md.AppendLine(r.Correct
            ? "Every run read back through the metrics API counted every accepted event exactly once (per tenant, after the broker drained)."
            : "**Not every run counted every accepted event exactly once; see the table and the problems below.**");
        foreach (var problem in r.Problems)
        {
            md.AppendLine();
            md.AppendLine("```");
            md.AppendLine(problem.Length > 3000 ? problem[..3000] + " ..." : problem);
            md.AppendLine("```");
        }

        md.AppendLine();
    }

    /// <summary>Every repeated scenario's figure in each run, so a reader sees how far one invocation's runs disagree.</summary>
    private static void Spreads(StringBuilder md, BenchResults r)
    {
        var repeated = r.Scenarios.Where(s => s.Spread is not null).ToList();
        if (repeated.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Run-to-run spread");
        md.AppendLine();
        md.AppendLine(C, $"Each of these scenarios ran {r.Plan.Repeats} times in a row in this invocation; the tables above show the median run. "
            + $"A figure whose runs differ by more than {RunSpread.NoisyShare:P0} of the median is marked noisy: read it as a range, not a value.");
        md.AppendLine();
        md.AppendLine("| scenario | figure | runs, in order | median | min | max | spread | |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in repeated)
        {
            var spread = s.Spread!;
            md.AppendLine(C, $"| {s.Title} | {spread.Figure} | {string.Join(", ", spread.Values.Select(spread.Format))} | {spread.Format(spread.Median)} | {spread.Format(spread.Min)} | {spread.Format(spread.Max)} | {spread.Share:P0} | {(spread.IsNoisy ? "**noisy**" : "")} |");
        }
    }

    /// <summary>
    /// Issue 16 sets the single-event targets on the services' share: judged on the runs whose development sidecar
    /// acknowledged publishes at once when there are any, with the whole pipeline's runs reported beside them.
    /// </summary>
    private static void SingleEventTargets(StringBuilder md, BenchResults r)
    {
        foreach (var (id, rate, bound, noRefusals) in new[]
        {
            ("ingest-single", r.Plan.SingleRate, 10_000L, true),
            ("ingest-single-high", r.Plan.HighSingleRate, 50_000L, false),
        })
        {
            var target = $"Single events at {rate:N0} req/s: {(noRefusals ? "no 503 and " : "")}p99 < {bound / 1000} ms";
            var whole = r.Scenario(id);
            if (r.Scenario(id + BenchResults.ServicesShareSuffix) is { } share)
            {
                Row(md, target + ", services' share (the development sidecar acknowledges publishes at once)", Measured(share), Met(share));
                if (whole is not null)
                {
                    md.AppendLine(C, $"| {target}, whole pipeline with the development sidecar storing (reported; the target is on the services' share) | {Measured(whole)} | |");
                }
            }
            else if (whole is not null)
            {
                Row(md, target, Measured(whole), Met(whole));
            }

            bool Met(ScenarioResult single) => single.Run.Latency.ValueAtPercentile(99) < bound
                && (!noRefusals || single.Run.Statuses.GetValueOrDefault(503) == 0) && single.Run.DroppedAtCap == 0;
        }

        static string Measured(ScenarioResult single) => WithSpread(
            $"p99 {TextReport.Ms(single.Run.Latency.ValueAtPercentile(99))} at {single.Run.RequestsPerSecond:N0} req/s completed, "
            + $"{single.Run.Statuses.GetValueOrDefault(503):N0} answered 503, {single.Run.DroppedAtCap:N0} dropped", single);
    }

    /// <summary>The median run's figure, with the runs' range when the scenario was repeated (and "noisy" when it is).</summary>
    private static string WithSpread(string measured, ScenarioResult s) => s.Spread is { } spread
        ? $"{measured} (median of {spread.Values.Count}; {spread.Figure} {spread.Format(spread.Min)} to {spread.Format(spread.Max)}{(spread.IsNoisy ? ", **noisy**" : "")})"
        : measured;

    private static void Row(StringBuilder md, string target, string measured, bool met)
        => md.AppendLine(C, $"| {target} | {measured} | {(met ? "met" : "**missed**")} |");

    private static string P(LogDapr.LoadGen.Runner.RunResult run, double percentile) => TextReport.Ms(run.Latency.ValueAtPercentile(percentile));

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", C) + " MB";
}
