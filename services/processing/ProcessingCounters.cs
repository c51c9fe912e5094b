namespace LogDapr.Processing;

/// <summary>
/// What processing did to the events of one delivery, reported as metrics by the host. Not thread-safe: one
/// instance per delivery, merged with <see cref="Add"/>.
/// </summary>
public sealed class ProcessingCounters
{
    private readonly Dictionary<string, long> redactions = new(StringComparer.Ordinal);

    public long EventsIn { get; set; }

    /// <summary>Events that left processing different from how they came in (and were not dropped).</summary>
    public long EventsChanged { get; set; }

    public long EventsDropped { get; set; }

    public long EventsSampledOut { get; set; }

    public long EnrichmentComplete { get; set; }

    public long EnrichmentPartial { get; set; }

    public long EnrichmentNotNeeded { get; set; }

    /// <summary>Redacted values per kind: a preset name (<c>email</c>) or <c>custom:&lt;name&gt;</c>.</summary>
    public IReadOnlyDictionary<string, long> Redactions => redactions;

    public void AddRedaction(string kind, long count = 1)
    {
        redactions[kind] = redactions.GetValueOrDefault(kind) + count;
    }

    public void Add(ProcessingCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        EventsIn += other.EventsIn;
        EventsChanged += other.EventsChanged;
        EventsDropped += other.EventsDropped;
        EventsSampledOut += other.EventsSampledOut;
        EnrichmentComplete += other.EnrichmentComplete;
        EnrichmentPartial += other.EnrichmentPartial;
        EnrichmentNotNeeded += other.EnrichmentNotNeeded;
        foreach (var (kind, count) in other.redactions)
        {
            AddRedaction(kind, count);
        }
    }
}
