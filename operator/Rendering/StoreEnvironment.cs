using System.Globalization;
using k8s.Models;
using LogDapr.Configuration;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The configuration keys of the store role and of retention, as the aggregator binds them (section Store,
/// services/configuration/Store/StoreOptions.cs; Aggregator:Role, AggregatorOptions), from ConfigKeys so a renamed
/// setting fails to compile here.
/// </summary>
public static class StoreEnvironment
{
    public const string RoleKey = ConfigKeys.AggregatorRole;
    public const string StoreRole = nameof(LogDapr.Configuration.Aggregator.AggregatorRole.Store);

    public const string RetentionEventsDaysKey = ConfigKeys.StoreRetentionEventsDays;
    public const string RetentionCountsDaysKey = ConfigKeys.StoreRetentionCountsDays;
    public const string RetentionDeadLettersDaysKey = ConfigKeys.StoreRetentionDeadLettersDays;
    public const string RetentionTenantsKey = ConfigKeys.StoreRetentionTenants;
    public const string CursorKeyKey = ConfigKeys.StoreCursorKey;
    public const string ArchiveEnabledKey = ConfigKeys.StoreArchiveEnabled;
    public const string ArchiveBindingNameKey = ConfigKeys.StoreArchiveBindingName;

    /// <summary>
    /// Store:Retention:* for both roles: the store applies the events retention, the aggregator (counter role) the
    /// counts and dead-letter retention. A tenant's field left out is left out of the environment too, so the service
    /// falls back to the default.
    /// </summary>
    public static IEnumerable<V1EnvVar> Retention(RetentionSpec retention)
    {
        yield return Value(RetentionEventsDaysKey, retention.EventsDays);
        yield return Value(RetentionCountsDaysKey, retention.CountsDays);
        yield return Value(RetentionDeadLettersDaysKey, retention.DeadLettersDays);
        var tenants = retention.Tenants ?? [];
        for (var i = 0; i < tenants.Count; i++)
        {
            var prefix = $"{RetentionTenantsKey}:{i.ToString(CultureInfo.InvariantCulture)}:";
            var tenant = tenants[i];
            yield return Value(prefix + nameof(LogDapr.Configuration.Store.TenantRetention.Tenant), tenant.Tenant);
            if (tenant.EventsDays is { } events)
            {
                yield return Value(prefix + nameof(LogDapr.Configuration.Store.TenantRetention.EventsDays), events);
            }
            if (tenant.CountsDays is { } counts)
            {
                yield return Value(prefix + nameof(LogDapr.Configuration.Store.TenantRetention.CountsDays), counts);
            }
            if (tenant.DeadLettersDays is { } deadLetters)
            {
                yield return Value(prefix + nameof(LogDapr.Configuration.Store.TenantRetention.DeadLettersDays), deadLetters);
            }
        }
    }

    /// <summary>What only the store role gets: its role, the cursor key and the archive binding.</summary>
    public static IEnumerable<V1EnvVar> StoreOnly(LogPipeline pipeline, ResourceNames names)
    {
        yield return Value(RoleKey, StoreRole);
        yield return new V1EnvVar
        {
            Name = ConfigKeys.EnvironmentName(CursorKeyKey),
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = names.CursorKeySecret, Key = CursorKey.SecretKey } },
        };
        var archive = pipeline.Spec.Storage.Archive is not null;
        yield return Value(ArchiveEnabledKey, archive ? "true" : "false");
        if (archive)
        {
            yield return Value(ArchiveBindingNameKey, names.ArchiveBindingComponent);
        }
    }

    private static V1EnvVar Value(string key, string value) => new() { Name = ConfigKeys.EnvironmentName(key), Value = value };

    private static V1EnvVar Value(string key, int value) => Value(key, value.ToString(CultureInfo.InvariantCulture));
}
