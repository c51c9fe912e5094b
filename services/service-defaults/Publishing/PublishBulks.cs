namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>
/// How messages are cut into bulk publish calls that daprd accepts: every publisher (ingest's batcher, the processor's
/// output) sizes its calls on the request daprd receives (<see cref="PublishRequestSize"/>), not on the envelopes
/// alone, whose framing grows with the entry count. Pure.
/// </summary>
public static class PublishBulks
{
    /// <summary>
    /// The default bound on one call's serialized request: daprd's default gRPC request limit is 4 MiB
    /// (<c>--max-body-size</c>), less room for the HTTP/2 and gRPC framing around it.
    /// </summary>
    public const int DefaultMaxRequestBytes = 3584 * 1024;

    /// <summary>
    /// Splits messages, in order, into calls of at most <paramref name="maxMessages"/> messages whose serialized
    /// request stays within <paramref name="maxRequestBytes"/>; a message too large for that goes alone.
    /// </summary>
    public static IEnumerable<List<OutgoingCloudEvent>> Split(
        IEnumerable<OutgoingCloudEvent> messages, int maxMessages, long maxRequestBytes, string pubsubName, string topic)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var empty = PublishRequestSize.Request(pubsubName, topic);
        var bulk = new List<OutgoingCloudEvent>();
        long bytes = empty;
        foreach (var message in messages)
        {
            var entry = PublishRequestSize.Entry(bulk.Count, message.Envelope.Length);
            if (bulk.Count > 0 && (bulk.Count >= maxMessages || bytes + entry > maxRequestBytes))
            {
                yield return bulk;
                bulk = [];
                bytes = empty;
                entry = PublishRequestSize.Entry(0, message.Envelope.Length);
            }

            bulk.Add(message);
            bytes += entry;
        }

        if (bulk.Count > 0)
        {
            yield return bulk;
        }
    }
}
