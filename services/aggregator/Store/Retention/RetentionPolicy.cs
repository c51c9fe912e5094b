using LogDapr.Configuration.Store;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>What is kept of one kind of data (events, counts or dead letters)</summary>
public enum RetentionKind
{
    Events,
    Counts,
    DeadLetters,
}

/// <summary>
/// The retention of one kind of data: a default, per-tenant overrides, and the longest of them, which sets what the
/// partition layout keeps (a partition is dropped only once no tenant keeps anything in it). Pure.
/// </summary>
public sealed class RetentionPolicy
{
    private readonly Dictionary<string, int> overrides;

    public RetentionPolicy(int defaultDays, IReadOnlyDictionary<string, int> overrides)
    {
        DefaultDays = defaultDays;
        this.overrides = new Dictionary<string, int>(overrides, StringComparer.Ordinal);
        LongestDays = this.overrides.Values.Append(defaultDays).Max();
        ShortestDays = this.overrides.Values.Append(defaultDays).Min();
    }

    public int DefaultDays { get; }

    /// <summary>The longest retention of any tenant: partitions older than this hold nothing anyone keeps.</summary>
    public int LongestDays { get; }

    /// <summary>The shortest retention of any tenant: rows younger than this are kept whoever owns them.</summary>
    public int ShortestDays { get; }

    public IReadOnlyDictionary<string, int> Overrides => overrides;

    public static RetentionPolicy From(StoreRetentionOptions options, RetentionKind kind)
    {
        var defaultDays = kind switch
        {
            RetentionKind.Events => options.EventsDays,
            RetentionKind.Counts => options.CountsDays,
            _ => options.DeadLettersDays,
        };
        var overrides = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tenant in options.Tenants)
        {
            var days = kind switch
            {
                RetentionKind.Events => tenant.EventsDays,
                RetentionKind.Counts => tenant.CountsDays,
                _ => tenant.DeadLettersDays,
            };
            if (days is { } d)
            {
                overrides[tenant.Tenant] = d;
            }
        }

        return new RetentionPolicy(defaultDays, overrides);
    }

    public int DaysFor(string tenant) => overrides.TryGetValue(tenant, out var days) ? days : DefaultDays;

    /// <summary>A UTC day's data is expired once it is older than the retention: day &lt; today - days.</summary>
    public static bool IsExpired(DateOnly day, DateOnly today, int days) => day < today.AddDays(-days);

    /// <summary>The first day a tenant still keeps.</summary>
    public DateOnly FirstKeptDay(string tenant, DateOnly today) => today.AddDays(-DaysFor(tenant));
}
