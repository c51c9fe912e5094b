namespace LogDapr.MicroBenchmarks.Suite;

/// <summary>One micro-benchmark's figures: time and allocation per operation, and per event.</summary>
/// <param name="WholeArrays">
/// Arrays the operation is known to allocate per operation and their bytes (the published envelopes: one per message, its
/// size set by the events it carries), counted as the allocations they are instead of bytes / 24.
/// </param>
public sealed record MicroResult(string Name, int EventsPerOperation, double MeanNanoseconds, double ErrorNanoseconds, long? AllocatedBytesPerOperation,
    (int Count, long Bytes)? WholeArrays = null)
{
    /// <summary>Events per second on one core (the benchmark runs single-threaded).</summary>
    public double EventsPerSecondPerCore => EventsPerOperation / (MeanNanoseconds / 1e9);

    public double? AllocatedBytesPerEvent => AllocatedBytesPerOperation / (double)EventsPerOperation;

    /// <summary>
    /// An upper bound of allocations per event: every object on the managed heap is at least 24 bytes on 64-bit, so
    /// fewer than 24 allocated bytes per event proves fewer than one allocation per event. Known whole arrays count one
    /// each, and their bytes are taken out of the rest.
    /// </summary>
    public double? MaxAllocationsPerEvent => WholeArrays is { } arrays
        ? (Math.Max(0, AllocatedBytesPerOperation.GetValueOrDefault() - arrays.Bytes) / 24.0 + arrays.Count) / EventsPerOperation
        : AllocatedBytesPerEvent / 24.0;
}
