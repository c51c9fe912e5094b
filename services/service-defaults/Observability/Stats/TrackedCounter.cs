using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace LogDapr.ServiceDefaults.Observability.Stats;

/// <summary>
/// A <see cref="Counter{T}"/> that also keeps its running total per label value, because /v1/stats must show counts
/// since start and the metrics API offers no way to read an instrument back.
/// </summary>
public sealed class TrackedCounter
{
    private readonly Counter<long> counter;
    private readonly string? label;
    private readonly ConcurrentDictionary<string, StrongBox<long>> byLabel = new(StringComparer.Ordinal);
    private long total;

    public TrackedCounter(Meter meter, string name, string unit, string description, string? label = null)
    {
        counter = meter.CreateCounter<long>(name, unit, description);
        this.label = label;
    }

    public long Total => Interlocked.Read(ref total);

    public IReadOnlyDictionary<string, long> ByLabel => byLabel.ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Value), StringComparer.Ordinal);

    /// <summary>
    /// Exports the counter at zero before its first increment (for each of <paramref name="labelValues"/> when it has a
    /// label), so dashboards show 0 instead of "No data" and <c>rate()</c> sees the first increase.
    /// </summary>
    public void StartAtZero(params string[] labelValues)
    {
        if (label is null)
        {
            counter.Add(0);
            return;
        }

        foreach (var value in labelValues)
        {
            byLabel.GetOrAdd(value, static _ => new StrongBox<long>());
            counter.Add(0, new KeyValuePair<string, object?>(label, value));
        }
    }

    /// <summary>As <see cref="StartAtZero(string[])"/>, with one more tag on every series (e.g. the protocol a request came in).</summary>
    public void StartAtZero(KeyValuePair<string, object?> tag, params string[] labelValues)
    {
        if (label is null)
        {
            counter.Add(0, tag);
            return;
        }

        foreach (var value in labelValues)
        {
            byLabel.GetOrAdd(value, static _ => new StrongBox<long>());
            counter.Add(0, new KeyValuePair<string, object?>(label, value), tag);
        }
    }

    /// <summary>Adds to a counter declared without a label, with one tag that the running totals do not keep apart.</summary>
    public void Add(long value, KeyValuePair<string, object?> tag)
    {
        if (value <= 0)
        {
            return;
        }

        Interlocked.Add(ref total, value);
        counter.Add(value, tag);
    }

    /// <summary>Adds under a label value, with one more tag that the running totals do not keep apart.</summary>
    public void Add(long value, string labelValue, KeyValuePair<string, object?> tag)
    {
        if (value <= 0)
        {
            return;
        }

        Debug.Assert(label is not null, "a labelled add on a counter declared without a label");
        Interlocked.Add(ref total, value);
        Interlocked.Add(ref byLabel.GetOrAdd(labelValue, static _ => new StrongBox<long>()).Value, value);
        counter.Add(value, new KeyValuePair<string, object?>(label!, labelValue), tag);
    }

    public void Add(long value)
    {
        if (value <= 0)
        {
            return;
        }

        Interlocked.Add(ref total, value);
        counter.Add(value);
    }

    public void Add(long value, string labelValue)
    {
        if (value <= 0)
        {
            return;
        }

        Debug.Assert(label is not null, "a labelled add on a counter declared without a label");
        Interlocked.Add(ref total, value);
        Interlocked.Add(ref byLabel.GetOrAdd(labelValue, static _ => new StrongBox<long>()).Value, value);
        counter.Add(value, new KeyValuePair<string, object?>(label!, labelValue));
    }
}
