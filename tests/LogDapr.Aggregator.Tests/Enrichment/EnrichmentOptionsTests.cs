using System.ComponentModel.DataAnnotations;
using LogDapr.Configuration.Enrichment;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>The enrichment settings are checked at start-up, each out-of-range value named.</summary>
public sealed class EnrichmentOptionsTests
{
    /// <summary>One out-of-range value per setting (by name, so each is its own test case).</summary>
    private static readonly Dictionary<string, Action<EnrichmentOptions>> Changes = new(StringComparer.Ordinal)
    {
        [nameof(EnrichmentOptions.NegativeCacheTtl)] = o => o.NegativeCacheTtl = TimeSpan.FromMinutes(2),
        [nameof(EnrichmentOptions.CacheTtl)] = o => o.CacheTtl = TimeSpan.FromDays(2),
        [nameof(EnrichmentOptions.CacheMaxEntries)] = o => o.CacheMaxEntries = 0,
        [nameof(EnrichmentOptions.MaxKeysPerLookup)] = o => o.MaxKeysPerLookup = 0,
        [nameof(EnrichmentOptions.StateStoreEntryTtl)] = o => o.StateStoreEntryTtl = TimeSpan.Zero,
        [nameof(EnrichmentOptions.StateStoreTimeout)] = o => o.StateStoreTimeout = TimeSpan.Zero,
        [nameof(EnrichmentOptions.PostgresTimeout)] = o => o.PostgresTimeout = TimeSpan.FromMinutes(5),
        [nameof(EnrichmentOptions.MaxConcurrentCalls)] = o => o.MaxConcurrentCalls = 0,
        [nameof(EnrichmentOptions.BreakerFailureRatio)] = o => o.BreakerFailureRatio = 1.5,
        [nameof(EnrichmentOptions.BreakerMinimumThroughput)] = o => o.BreakerMinimumThroughput = 1,
        [nameof(EnrichmentOptions.BreakerSamplingDuration)] = o => o.BreakerSamplingDuration = TimeSpan.FromMilliseconds(100),
        [nameof(EnrichmentOptions.BreakerBreakDuration)] = o => o.BreakerBreakDuration = TimeSpan.Zero,
    };

    public static TheoryData<string> Invalid => [.. Changes.Keys];

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Validate(new EnrichmentOptions()));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_out_of_range_setting_is_refused_by_name(string setting)
    {
        var options = new EnrichmentOptions();
        Changes[setting](options);

        Assert.Contains(Validate(options), r => r.MemberNames.Contains(setting));
    }

    private static List<ValidationResult> Validate(EnrichmentOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            results.AddRange(options.Validate(new ValidationContext(options)));
        }

        return results;
    }
}
