using System.Runtime.CompilerServices;
using LogDapr.Contracts.Events;
using LogDapr.Processing.Transforms;

namespace LogDapr.Processing.Enrichment;

/// <summary>
/// The enrichment stage: adds the host's metadata as <c>host.&lt;key&gt;</c> and the service's as
/// <c>service.&lt;key&gt;</c>, never replacing an attribute the event already has, and marks the event
/// <c>enrichment: complete|partial</c>. Partial means some metadata the event needed is missing from it: its source
/// was unavailable, or it did not fit in the contract's attribute limits (one slot is kept for the marker).
/// </summary>
internal sealed class Enricher(bool hosts, bool services)
{
    public const string MarkerKey = "enrichment";
    public const string Complete = "complete";
    public const string Partial = "partial";

    // Attributes in key order with their prefixed keys, computed once per metadata row object: a delivery's snapshot
    // serves many events, and key order makes the output the same whatever order the source returned the row in.
    // This relies on a lookup never changing a row dictionary after handing it out (a refresh must hand out a new one).
    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, string>, KeyValuePair<string, string>[]> HostAttributes = [];
    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, string>, KeyValuePair<string, string>[]> ServiceAttributes = [];
    private static readonly int MaxKeyLength = LogEventLimits.Default.MaxAttributeKeyLength;

    public bool Enabled => hosts || services;

    public void Collect(LogEvent e, ISet<MetadataKey> keys)
    {
        if (hosts && e.Host is { } host)
        {
            keys.Add(new MetadataKey(MetadataKind.Host, host));
        }
        if (services)
        {
            keys.Add(new MetadataKey(MetadataKind.Service, e.Service));
        }
    }

    public void Apply(MutableEvent e, MetadataSnapshot snapshot, ProcessingCounters counters)
    {
        bool needed = false;
        bool complete = true;
        if (hosts && e.Original.Host is { } host)
        {
            needed = true;
            complete &= Add(e, snapshot, new MetadataKey(MetadataKind.Host, host), HostAttributes);
        }
        if (services)
        {
            needed = true;
            complete &= Add(e, snapshot, new MetadataKey(MetadataKind.Service, e.Original.Service), ServiceAttributes);
        }
        if (!needed)
        {
            counters.EnrichmentNotNeeded++;
            return;
        }
        if (complete)
        {
            counters.EnrichmentComplete++;
        }
        else
        {
            counters.EnrichmentPartial++;
        }
        // The marker is ours: a producer's own "enrichment" attribute is replaced, so it cannot claim completeness.
        e.Set(MarkerKey, complete ? Complete : Partial);
    }

    private static bool Add(
        MutableEvent e,
        MetadataSnapshot snapshot,
        MetadataKey key,
        ConditionalWeakTable<IReadOnlyDictionary<string, string>, KeyValuePair<string, string>[]> prepared)
    {
        if (snapshot.Unavailable.Contains(key))
        {
            return false;
        }
        if (!snapshot.Found.TryGetValue(key, out var row))
        {
            return true;
        }
        var attributes = ReferenceEquals(prepared, HostAttributes)
            ? prepared.GetValue(row, static r => Prepare(r, "host."))
            : prepared.GetValue(row, static r => Prepare(r, "service."));
        bool complete = true;
        // Keep one slot for the marker unless the event already carries one.
        int reserve = e.IndexOf(MarkerKey) >= 0 ? 0 : 1;
        foreach (var (name, value) in attributes)
        {
            if (name.Length > MaxKeyLength)
            {
                complete = false;
                continue;
            }
            if (e.IndexOf(name) >= 0)
            {
                continue;
            }
            complete &= e.Add(name, value, reserve);
        }
        return complete;
    }

    private static KeyValuePair<string, string>[] Prepare(IReadOnlyDictionary<string, string> row, string prefix)
    {
        var attributes = new KeyValuePair<string, string>[row.Count];
        int i = 0;
        foreach (var (name, value) in row)
        {
            attributes[i++] = new KeyValuePair<string, string>(prefix + name, value);
        }
        Array.Sort(attributes, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return attributes;
    }
}
