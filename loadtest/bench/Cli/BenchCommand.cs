using System.CommandLine;
using LogDapr.Bench.Baselines;
using LogDapr.Bench.Harness;
using LogDapr.Bench.Plan;
using LogDapr.Bench.Report;
using LogDapr.Bench.Store;
using LogDapr.LocalStack.Layout;

namespace LogDapr.Bench.Cli;

/// <summary>
/// `dotnet run -c Release --project loadtest/bench -- --full`: starts the local stack and the baselines, runs the fixed
/// scenario set and writes docs/benchmarks.md. `bare-kestrel` is the ceiling server the harness starts as a child.
/// </summary>
public static class BenchCommand
{
    public static RootCommand Create()
    {
        var full = new Option<bool>("--full") { Description = "The full scenario set (minutes); the default when --smoke is not given." };
        var smoke = new Option<bool>("--smoke") { Description = "The same flow at a size that takes seconds; checks correctness, not speed." };
        var output = new Option<string?>("--output") { Description = "Report file (default: docs/benchmarks.md for --full, the work directory for --smoke)." };
        var workDirectory = new Option<string?>("--work-dir") { Description = "Logs and data of the run (default: a fresh directory under the system temp directory)." };
        var skipRsyslog = new Option<bool>("--skip-rsyslog") { Description = "Do not run the rsyslog peer." };
        var skipMicro = new Option<bool>("--skip-micro") { Description = "Do not run the BenchmarkDotNet micro-benchmarks." };
        var appEnvironment = new Option<string[]>("--app-env") { Description = "KEY=VALUE configuration for ingest and the aggregator (repeatable), e.g. to measure a proposed setting.", AllowMultipleArgumentsPerToken = false };
        var store = new Option<bool>("--store") { Description = "Only the log store benchmark (statement vs COPY, store drain, accept to searchable, search on 10 million events); writes its own section of the report." };
        var proposedIndexes = new Option<string?>("--proposed-indexes") { Description = "With --store: an index migration file ({schema} placeholders) applied after the product's search migrations, to measure it before it is merged." };
        var rules = new Option<string?>("--rules") { Description = "A processing rules document (e.g. loadtest/bench/processing-realistic.yaml): the stack runs the processor, to measure what processing costs end to end." };
        var floodOnly = new Option<bool>("--flood-only") { Description = "Only the warm-up and the pipeline flood (a minute or two): for comparing configurations in alternating runs." };
        var sinkOnly = new Option<bool>("--sink-only") { Description = "Only ingest alone filling the broker, the aggregator draining it and COPY of as many rows (a few minutes): for comparing configurations of the drain." };
        var singlesOnly = new Option<bool>("--singles-only") { Description = "Only the warm-up and the single-event runs (5,000 and 10,000 req/s, each run three times) on one stack." };
        var sidecarDiscards = new Option<bool>("--sidecar-discards") { Description = "With --singles-only: the development sidecar answers publishes at once and stores nothing (--bench-discard-publishes), measuring ingest without the stand-in broker; nothing is read back." };
        var withoutStore = new Option<bool>("--without-store") { Description = "Run the pipeline without the log store (spec.storage.enabled: false): the counter alone writes into Postgres, as the sink comparison with COPY assumes. The store has its own benchmark (--store)." };
        var noInstall = new Option<bool>("--no-install") { Description = $"Never apt-get install missing packages (postgresql, rsyslog-pgsql); report them instead ({RsyslogInstall.InstallCommand})." };

        var port = new Option<int>("--port") { Required = true };
        var kestrel = new Command("bare-kestrel", "Serve the bare-Kestrel ceiling (started by the harness).") { port };
        kestrel.SetAction((parse, cancellationToken) => BareKestrelServer.RunAsync(parse.GetValue(port), cancellationToken));

        var command = new RootCommand("LogDapr benchmark: local stack vs bare Kestrel, COPY and rsyslog+ompgsql, measured in one run.")
        {
            full, smoke, floodOnly, singlesOnly, sinkOnly, sidecarDiscards, store, proposedIndexes, rules, output, workDirectory, skipRsyslog, skipMicro, noInstall, withoutStore, appEnvironment, kestrel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var isSmoke = parse.GetValue(smoke);
            var plan = isSmoke ? BenchPlan.Smoke : BenchPlan.Full;
            if (parse.GetValue(floodOnly))
            {
                plan = plan with { Name = plan.Name + "-flood", FloodOnly = true, MicroBenchmarks = false, Repeats = 1 };
            }

            if (parse.GetValue(sinkOnly))
            {
                plan = plan with { Name = plan.Name + "-sink", SinkOnly = true, MicroBenchmarks = false, Repeats = 1 };
            }

            if (parse.GetValue(singlesOnly))
            {
                plan = plan with { Name = plan.Name + "-singles", SinglesOnly = true, MicroBenchmarks = false };
            }
            else if (parse.GetValue(sidecarDiscards))
            {
                Console.Error.WriteLine("--sidecar-discards needs --singles-only: with publishes discarded nothing reaches the aggregator to be read back.");
                return 2;
            }

            if (parse.GetValue(skipMicro))
            {
                plan = plan with { MicroBenchmarks = false };
            }

            var layout = RepoLayout.Discover();
            var work = parse.GetValue(workDirectory) ?? Path.Combine(Path.GetTempPath(), $"logdapr-bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            var options = new BenchOptions
            {
                RepoRoot = layout.Root,
                WorkDirectory = work,
                Command = "dotnet run -c Release --project loadtest/bench -- " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
                AllowInstall = !parse.GetValue(noInstall),
                SkipRsyslog = parse.GetValue(skipRsyslog),
                AppEnvironment = (parse.GetValue(appEnvironment) ?? []).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : null),
                ProcessingRulesFile = parse.GetValue(rules) is { } file ? Path.GetFullPath(file) : null,
                SidecarDiscardsPublishes = parse.GetValue(sidecarDiscards),
                WithoutStore = parse.GetValue(withoutStore),
            };
            var report = parse.GetValue(output) ?? (isSmoke ? Path.Combine(work, "benchmarks.md") : Path.Combine(layout.Root, "docs", "benchmarks.md"));
            Console.WriteLine($"Benchmark plan '{plan.Name}'{(parse.GetValue(store) ? " (store)" : "")}, working in {work}, report -> {report}");
            if (parse.GetValue(store))
            {
                var storeResults = await new StoreSession(plan, (isSmoke ? StorePlan.Smoke : StorePlan.Full) with { ProposedIndexes = parse.GetValue(proposedIndexes) }, options, Console.WriteLine).RunAsync(cancellationToken).ConfigureAwait(false);
                await StoreReport.WriteAsync(report, storeResults, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(StoreReport.Render(storeResults));
                Console.WriteLine($"Report written to {report}");
                return storeResults.Correct ? 0 : 1;
            }

            var results = await new BenchSession(plan, options, Console.WriteLine).RunAsync(cancellationToken).ConfigureAwait(false);
            await MarkdownReport.WriteAsync(report, results, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(MarkdownReport.Render(results));
            Console.WriteLine($"Report written to {report}");
            return results.Correct ? 0 : 1;
        });
        return command;
    }
}
