using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using Polly.CircuitBreaker;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// Instruments of the metadata lookup. Keys are counted per tier and outcome (hit, miss, error), so the cache hit ratio
/// is memory hits / (memory hits + misses); coverage is found / all keys answered; each source's breaker is a gauge.
/// </summary>
public sealed class EnrichmentMetrics
{
    private static readonly InstrumentAdvice<double> DurationBuckets = new() { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] };

    private readonly Counter<long> lookups;
    private readonly Counter<long> keys;
    private readonly Histogram<double> duration;
    private readonly Dictionary<string, CircuitBreakerStateProvider> breakers = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public EnrichmentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        lookups = meter.CreateCounter<long>("logdapr.enrichment.lookups", "{key}", "Keys looked up per tier (memory, state_store, postgres) and outcome (hit, miss, error).");
        keys = meter.CreateCounter<long>("logdapr.enrichment.keys", "{key}", "Keys answered per lookup result (found, not_found, unavailable): the enrichment coverage.");
        duration = meter.CreateHistogram("logdapr.enrichment.lookup.duration", "s", "Duration of one batch lookup in each tier it reached.", tags: null, DurationBuckets);
        meter.CreateObservableGauge("logdapr.enrichment.breaker.state", ObserveBreakers, "{state}", "Circuit breaker of each lookup source: 0 closed, 1 half-open, 2 open.");
    }

    public void Lookups(string tier, string outcome, int count)
    {
        if (count > 0)
        {
            lookups.Add(count, new KeyValuePair<string, object?>("tier", tier), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Answered(int found, int notFound, int unavailable)
    {
        Add(keys, found, "found");
        Add(keys, notFound, "not_found");
        Add(keys, unavailable, "unavailable");
    }

    public void Duration(string tier, TimeSpan elapsed) => duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("tier", tier));

    public void Breaker(string source, CircuitBreakerStateProvider state)
    {
        lock (gate)
        {
            breakers[source] = state;
        }
    }

    /// <summary>0 closed, 1 half-open, 2 open (isolated counts as open).</summary>
    public static int Gauge(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };

    private static void Add(Counter<long> counter, int count, string result)
    {
        if (count > 0)
        {
            counter.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }

    private List<Measurement<int>> ObserveBreakers()
    {
        lock (gate)
        {
            return [.. breakers.Select(b => new Measurement<int>(Gauge(b.Value.CircuitState), new KeyValuePair<string, object?>("source", b.Key)))];
        }
    }
}
