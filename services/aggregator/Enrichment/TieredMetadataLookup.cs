using System.Diagnostics;
using LogDapr.Configuration.Enrichment;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// Metadata for a batch of keys from three tiers: the in-process cache, then the Dapr state store (one bulk get over daprd's gRPC API, see <see cref="MetadataStateStore"/>), then
/// Postgres (one query for every key still missing). What Postgres answers fills the state store and the cache, found
/// rows and absences alike (absences for the shorter negative TTL). The two remote sources each sit behind a
/// <see cref="GuardedSource"/>: a failing state store only sends its keys on to Postgres; a failing Postgres leaves the
/// keys no tier could answer <see cref="MetadataSnapshot.Unavailable"/>. Never throws for a failing source, and never
/// waits longer than the two timeouts (plus the fill of the state store, itself bounded by the first).
/// </summary>
public sealed class TieredMetadataLookup : IMetadataLookup
{
    private readonly MetadataCache cache;
    private readonly MetadataStateStore stateStore;
    private readonly MetadataReader reader;
    private readonly EnrichmentMetrics metrics;
    private readonly EnrichmentOptions options;

    public TieredMetadataLookup(MetadataStateStore stateStore, MetadataReader reader, EnrichmentMetrics metrics, IOptions<EnrichmentOptions> options,
        TimeProvider time, ILoggerFactory loggers)
    {
        this.stateStore = stateStore;
        this.reader = reader;
        this.metrics = metrics;
        this.options = options.Value;
        cache = new MetadataCache(this.options.CacheMaxEntries, time);
        var logger = loggers.CreateLogger<TieredMetadataLookup>();
        StateStore = new GuardedSource(LookupTier.StateStore, this.options.StateStoreTimeout, this.options, time, logger);
        Postgres = new GuardedSource(LookupTier.Postgres, this.options.PostgresTimeout, this.options, time, logger);
        metrics.Breaker(LookupTier.StateStore, StateStore.State);
        metrics.Breaker(LookupTier.Postgres, Postgres.State);
    }

    public GuardedSource StateStore { get; }

    public GuardedSource Postgres { get; }

    public int CachedEntries => cache.Count;

    public async ValueTask<MetadataSnapshot> LookupAsync(IReadOnlyCollection<MetadataKey> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<MetadataKey, IReadOnlyDictionary<string, string>>();
        var unavailable = new HashSet<MetadataKey>();
        var absent = new List<MetadataKey>();
        var misses = new List<MetadataKey>();

        var started = Stopwatch.GetTimestamp();
        cache.Read(Distinct(keys, absent), found, absent, misses);
        metrics.Duration(LookupTier.Memory, Stopwatch.GetElapsedTime(started));
        metrics.Lookups(LookupTier.Memory, "hit", found.Count + absent.Count);
        metrics.Lookups(LookupTier.Memory, "miss", misses.Count);

        if (misses.Count > options.MaxKeysPerLookup)
        {
            // A batch is a few thousand keys at most; beyond the bound the rest waits for a later batch rather than
            // making one query and one bulk get unbounded.
            unavailable.UnionWith(misses.Skip(options.MaxKeysPerLookup));
            misses.RemoveRange(options.MaxKeysPerLookup, misses.Count - options.MaxKeysPerLookup);
        }

        if (misses.Count > 0)
        {
            misses = await FromStateStoreAsync(misses, found, absent, cancellationToken).ConfigureAwait(false);
        }

        if (misses.Count > 0)
        {
            await FromPostgresAsync(misses, found, absent, unavailable, cancellationToken).ConfigureAwait(false);
        }

        metrics.Answered(found.Count, absent.Count, unavailable.Count);
        return new MetadataSnapshot(found, unavailable);
    }

    /// <returns>The keys the state store did not answer (all of them when it failed).</returns>
    private async Task<List<MetadataKey>> FromStateStoreAsync(List<MetadataKey> keys, Dictionary<MetadataKey, IReadOnlyDictionary<string, string>> found,
        List<MetadataKey> absent, CancellationToken cancellationToken)
    {
        var stateKeys = keys.Select(MetadataStateEntry.Key).ToList();
        var started = Stopwatch.GetTimestamp();
        var answer = await StateStore.RunAsync(
            async ct => await stateStore.GetAsync(stateKeys, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        metrics.Duration(LookupTier.StateStore, Stopwatch.GetElapsedTime(started));
        if (!answer.Ok)
        {
            metrics.Lookups(LookupTier.StateStore, "error", keys.Count);
            return keys;
        }

        var byStateKey = answer.Value!;
        var remaining = new List<MetadataKey>();
        var hits = new List<(MetadataKey, IReadOnlyDictionary<string, string>?, TimeSpan)>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (!byStateKey.TryGetValue(stateKeys[i], out var entry))
            {
                remaining.Add(keys[i]);
            }
            else if (entry.Found && entry.Attributes is { } attributes)
            {
                found[keys[i]] = attributes;
                hits.Add((keys[i], attributes, options.CacheTtl));
            }
            else
            {
                absent.Add(keys[i]);
                hits.Add((keys[i], null, options.NegativeCacheTtl));
            }
        }

        cache.Write(hits);
        metrics.Lookups(LookupTier.StateStore, "hit", hits.Count);
        metrics.Lookups(LookupTier.StateStore, "miss", remaining.Count);
        return remaining;
    }

    private async Task FromPostgresAsync(List<MetadataKey> keys, Dictionary<MetadataKey, IReadOnlyDictionary<string, string>> found,
        List<MetadataKey> absent, HashSet<MetadataKey> unavailable, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await Postgres.RunAsync(async ct => await reader.FindAsync(keys, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        metrics.Duration(LookupTier.Postgres, Stopwatch.GetElapsedTime(started));
        if (!answer.Ok)
        {
            metrics.Lookups(LookupTier.Postgres, "error", keys.Count);
            unavailable.UnionWith(keys);
            return;
        }

        var rows = answer.Value!.ToDictionary(r => r.Key, r => r.Attributes);
        var answered = new List<(MetadataKey Key, IReadOnlyDictionary<string, string>? Attributes, TimeSpan Ttl)>(keys.Count);
        foreach (var key in keys)
        {
            if (rows.TryGetValue(key, out var attributes))
            {
                found[key] = attributes;
                answered.Add((key, attributes, options.CacheTtl));
            }
            else
            {
                absent.Add(key);
                answered.Add((key, null, options.NegativeCacheTtl));
            }
        }

        metrics.Lookups(LookupTier.Postgres, "hit", rows.Count);
        metrics.Lookups(LookupTier.Postgres, "miss", keys.Count - rows.Count);
        cache.Write(answered);
        await FillStateStoreAsync(answered, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Best effort: a failed fill only means the next process to miss these keys asks Postgres too.</summary>
    private async Task FillStateStoreAsync(List<(MetadataKey Key, IReadOnlyDictionary<string, string>? Attributes, TimeSpan Ttl)> answered, CancellationToken cancellationToken)
    {
        var positive = MetadataWriter.TtlMetadata(options.StateStoreEntryTtl);
        var negative = MetadataWriter.TtlMetadata(options.NegativeCacheTtl);
        var items = answered.Select(a => (a.Key, a.Attributes, (IReadOnlyDictionary<string, string>)(a.Attributes is null ? negative : positive)));
        var fill = await StateStore.RunAsync(async ct =>
        {
            await stateStore.SaveAsync(items, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (!fill.Ok)
        {
            metrics.Lookups(LookupTier.StateStore, "fill_error", answered.Count);
        }
    }

    /// <summary>Each key once; a name no row can have (empty, too long) is answered "none" without asking anyone.</summary>
    private static IEnumerable<MetadataKey> Distinct(IReadOnlyCollection<MetadataKey> keys, List<MetadataKey> absent)
    {
        var seen = keys as IReadOnlySet<MetadataKey> ?? keys.ToHashSet();
        foreach (var key in seen)
        {
            if (MetadataLimits.IsValidName(key.Name))
            {
                yield return key;
            }
            else
            {
                absent.Add(key);
            }
        }
    }
}
