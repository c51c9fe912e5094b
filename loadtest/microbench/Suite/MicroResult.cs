namespace LogDapr.MicroBenchmarks.Suite;

/// <summary>One micro-benchmark's figures: time and allocation per operation, and per event.</summary>
public sealed record MicroResult(string Name, int EventsPerOperation, double MeanNanoseconds, double ErrorNanoseconds, long? AllocatedBytesPerOperation)
{
    /// <summary>Events per second on one core (the benchmark runs single-threaded).</summary>
    public double EventsPerSecondPerCore => EventsPerOperation / (MeanNanoseconds / 1e9);

    public double? AllocatedBytesPerEvent => AllocatedBytesPerOperation / (double)EventsPerOperation;

    /// <summary>
    /// An upper bound of allocations per event: every object on the managed heap is at least 24 bytes on 64-bit, so
    /// fewer than 24 allocated bytes per event proves fewer than one allocation per event.
    /// </summary>
    public double? MaxAllocationsPerEvent => AllocatedBytesPerEvent / 24.0;
}
