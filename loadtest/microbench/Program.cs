using BenchmarkDotNet.Running;
using LogDapr.MicroBenchmarks.Suite;

// Standalone: dotnet run -c Release --project loadtest/microbench -- --filter '*' (any BenchmarkDotNet arguments).
BenchmarkSwitcher.FromTypes(MicroSuite.Benchmarks).Run(args);
