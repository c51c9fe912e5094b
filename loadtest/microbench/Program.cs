using BenchmarkDotNet.Running;
using LogDapr.MicroBenchmarks.Benchmarks;
using LogDapr.MicroBenchmarks.Suite;

// Standalone: dotnet run -c Release --project loadtest/microbench -- --filter '*' (any BenchmarkDotNet arguments).
BenchmarkSwitcher.FromTypes([.. MicroSuite.Benchmarks, typeof(CloudEventBenchmarks)]).Run(args);
