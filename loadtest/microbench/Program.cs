using BenchmarkDotNet.Running;
using LogDapr.MicroBenchmarks.Benchmarks;
using LogDapr.MicroBenchmarks.Suite;

// Standalone: dotnet run -c Release --project loadtest/microbench -- --filter '*' (any BenchmarkDotNet arguments).
// In process, as loadtest/bench runs them (MicroSuite.RunInProcess), so the figures compare; BenchmarkDotNet's default
// out-of-process toolchain also looks for a project named after the assembly (logdapr-microbench), which is not ours.
string[] arguments = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromTypes([.. MicroSuite.Benchmarks, typeof(CloudEventBenchmarks), typeof(EnrichmentLookupBenchmarks), typeof(RedactionBenchmarks), typeof(ProcessingBenchmarks), typeof(ProtocolDecodeBenchmarks), typeof(CountingReaderBenchmarks)]).Run(arguments);
