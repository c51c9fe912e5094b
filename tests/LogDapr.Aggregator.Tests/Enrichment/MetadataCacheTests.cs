using LogDapr.Aggregator.Enrichment;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.Time.Testing;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>The in-process tier: bounded by entries (oldest out first), found and absent entries expire on their TTLs.</summary>
public sealed class MetadataCacheTests
{
    private static readonly IReadOnlyDictionary<string, string> Attributes = new Dictionary<string, string> { ["a"] = "b" };

    [Fact]
    public void Beyond_the_bound_the_oldest_entry_is_evicted()
    {
        var cache = new MetadataCache(2, new FakeTimeProvider());
        var keys = Enumerable.Range(1, 3).Select(i => new MetadataKey(MetadataKind.Host, $"h{i}")).ToArray();

        cache.Write(keys.Select(k => (k, (IReadOnlyDictionary<string, string>?)Attributes, TimeSpan.FromMinutes(1))));

        var (found, absent, misses) = Read(cache, keys);
        Assert.Equal(2, cache.Count);
        Assert.Equal([keys[0]], misses);
        Assert.Equal(new HashSet<MetadataKey> { keys[1], keys[2] }, found.Keys.ToHashSet());
        Assert.Empty(absent);
    }

    [Fact]
    public void Found_and_absent_entries_expire_on_their_own_ttl()
    {
        var time = new FakeTimeProvider();
        var cache = new MetadataCache(10, time);
        var present = new MetadataKey(MetadataKind.Service, "api");
        var missing = new MetadataKey(MetadataKind.Service, "none");
        cache.Write([(present, Attributes, TimeSpan.FromSeconds(60)), (missing, null, TimeSpan.FromSeconds(10))]);

        var (found, absent, misses) = Read(cache, [present, missing]);
        Assert.Equal([present], found.Keys);
        Assert.Equal([missing], absent);
        Assert.Empty(misses);

        time.Advance(TimeSpan.FromSeconds(10));
        (found, absent, misses) = Read(cache, [present, missing]);
        Assert.Equal([present], found.Keys);
        Assert.Equal([missing], misses);

        time.Advance(TimeSpan.FromSeconds(50));
        (_, _, misses) = Read(cache, [present]);
        Assert.Equal([present], misses);
        Assert.Equal(0, cache.Count);
    }

    private static (Dictionary<MetadataKey, IReadOnlyDictionary<string, string>> Found, List<MetadataKey> Absent, List<MetadataKey> Misses) Read(MetadataCache cache, IEnumerable<MetadataKey> keys)
    {
        var found = new Dictionary<MetadataKey, IReadOnlyDictionary<string, string>>();
        var absent = new List<MetadataKey>();
        var misses = new List<MetadataKey>();
        cache.Read(keys, found, absent, misses);
        return (found, absent, misses);
    }
}
