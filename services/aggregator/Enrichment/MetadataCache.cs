using LogDapr.Processing.Enrichment;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// The lookup's first tier: metadata in process for a TTL (found entries for one TTL, "none" for a shorter one), at
/// most <c>maxEntries</c> entries, the oldest inserted evicted first. One lock per batch, not per key: a batch of a
/// few thousand keys is read under one acquisition, which keeps the warm path cheap and the order exact.
/// </summary>
public sealed class MetadataCache(int maxEntries, TimeProvider time)
{
    private readonly Dictionary<MetadataKey, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> age = new();
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Answers what it can: found attributes into <paramref name="found"/>, known absences into <paramref name="absent"/>, the rest into <paramref name="misses"/>.</summary>
    public void Read(IEnumerable<MetadataKey> keys, Dictionary<MetadataKey, IReadOnlyDictionary<string, string>> found, List<MetadataKey> absent, List<MetadataKey> misses)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var key in keys)
            {
                if (!entries.TryGetValue(key, out var node))
                {
                    misses.Add(key);
                }
                else if (node.Value.ExpiresAt <= now)
                {
                    Remove(node);
                    misses.Add(key);
                }
                else if (node.Value.Attributes is { } attributes)
                {
                    found[key] = attributes;
                }
                else
                {
                    absent.Add(key);
                }
            }
        }
    }

    /// <param name="attributes">Null caches that the key has no metadata.</param>
    public void Write(IEnumerable<(MetadataKey Key, IReadOnlyDictionary<string, string>? Attributes, TimeSpan Ttl)> items)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var (key, attributes, ttl) in items)
            {
                if (ttl <= TimeSpan.Zero)
                {
                    continue;
                }

                if (entries.TryGetValue(key, out var existing))
                {
                    Remove(existing);
                }

                while (entries.Count >= maxEntries && age.First is { } oldest)
                {
                    Remove(oldest);
                }

                entries[key] = age.AddLast(new Entry(key, attributes, now + ttl));
            }
        }
    }

    public void Invalidate(MetadataKey key)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                Remove(node);
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        entries.Remove(node.Value.Key);
        age.Remove(node);
    }

    private sealed record Entry(MetadataKey Key, IReadOnlyDictionary<string, string>? Attributes, DateTimeOffset ExpiresAt);
}
