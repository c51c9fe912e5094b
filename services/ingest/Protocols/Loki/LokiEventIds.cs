using LogDapr.Ingest.Publishing;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// The event id of a Loki entry, which carries none: the <see cref="NameBasedId"/> of the tenant, the stream's labels
/// sorted by name (Loki's identity of a stream, whatever order the push wrote them in), the timestamp in nanoseconds,
/// the line, the structured metadata in push order, and the entry's occurrence among identical entries of the same
/// push (so two identical lines in one push are two events, as Loki stores them). A shipper's retry of the same push
/// gives the same ids, which the aggregator counts once; any other difference gives other ids. Pure.
/// </summary>
internal static class LokiEventIds
{
    private const string Tag = "logdapr/event/loki/v1";

    /// <param name="labels">The stream's labels, sorted by name (ordinal).</param>
    /// <param name="nanos">Nanoseconds since the epoch as a decimal, or the timestamp as sent when it is none.</param>
    /// <param name="occurrence">How many identical entries came before this one in the push.</param>
    public static string For(string tenant, IReadOnlyList<KeyValuePair<string, string>> labels, string nanos, string line,
        IReadOnlyList<KeyValuePair<string, string>> metadata, int occurrence)
    {
        using var name = new NameBasedId(Tag, NameDigest.XxHash128);
        name.Add(tenant).Add(labels.Count);
        foreach (var (key, value) in labels)
        {
            name.Add(key).Add(value);
        }

        name.Add(nanos).Add(line).Add(metadata.Count);
        foreach (var (key, value) in metadata)
        {
            name.Add(key).Add(value);
        }

        return name.Add(occurrence).ToUuid();
    }
}
