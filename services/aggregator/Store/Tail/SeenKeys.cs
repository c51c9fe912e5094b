namespace LogDapr.Aggregator.Store.Tail;

/// <summary>
/// The rows a tail has sent, so re-reading the overlap window sends none twice. Bounded: keys older than the
/// overlap are forgotten, and beyond <c>capacity</c> the oldest are (a row could then be sent twice, never lost).
/// </summary>
public sealed class SeenKeys(int capacity)
{
    private readonly Dictionary<string, DateTimeOffset> keys = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset StoredAt)> order = new();

    public int Count => keys.Count;

    /// <returns>False when the key was already seen.</returns>
    public bool Add(string key, DateTimeOffset storedAt)
    {
        if (!keys.TryAdd(key, storedAt))
        {
            return false;
        }

        order.Enqueue((key, storedAt));
        while (keys.Count > capacity)
        {
            keys.Remove(order.Dequeue().Key);
        }

        return true;
    }

    /// <summary>Forgets keys stored before <paramref name="before"/> (re-reads never reach them again).</summary>
    public void ForgetBefore(DateTimeOffset before)
    {
        while (order.Count > 0 && order.Peek().StoredAt < before)
        {
            keys.Remove(order.Dequeue().Key);
        }
    }
}
