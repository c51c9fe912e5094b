using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LogDapr.MicroBenchmarks.Benchmarks;

namespace LogDapr.MicroBenchmarks.Suite;

/// <summary>
/// Runs the micro-benchmarks for the benchmark report: in-process (no child project build, which an offline machine
/// may not manage) with a short job, and turns BenchmarkDotNet's summaries into per-event figures.
/// </summary>
public static class MicroSuite
{
    public static readonly Type[] Benchmarks = [typeof(ReaderBenchmarks), typeof(AggregationBenchmarks), typeof(StatementBenchmarks)];

    public static IReadOnlyList<MicroResult> RunInProcess(string artifactsDirectory, bool quick)
    {
        var job = (quick ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifactsDirectory)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        var summaries = BenchmarkRunner.Run(Benchmarks, config);
        return [.. summaries.SelectMany(s => s.Reports.Select(r => ToResult(s, r))).OfType<MicroResult>()];
    }

    private static MicroResult? ToResult(Summary summary, BenchmarkReport report)
    {
        if (report.ResultStatistics is not { } statistics)
        {
            return null;
        }

        var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo;
        var events = report.BenchmarkCase.Descriptor.Type == typeof(ReaderBenchmarks)
            ? BenchmarkData.EventsPerBatch
            : BenchmarkData.EventsPerBatch * BenchmarkData.MessagesPerDelivery;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
        var wholeArrays = name.Contains(ReaderBenchmarks.IngestPathName, StringComparison.Ordinal) ? ReaderBenchmarks.PublishedEnvelopes() : ((int, long)?)null;
        return new MicroResult(name.Trim('\''), events, statistics.Mean, statistics.StandardError, allocated, wholeArrays);
    }
}
