using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LogDapr.Aggregator.Tests.Support;

/// <summary>
/// The meter factory of tests that build a service's metrics without a host: it keeps the meters it made, so a test
/// can listen to exactly those (<see cref="Created"/>), and disposes them with itself.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    public ConcurrentBag<Meter> Created { get; } = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        Created.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in Created)
        {
            meter.Dispose();
        }
    }
}
