using System.Globalization;
using k8s.Models;
using LogDapr.Configuration;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The configuration keys of the store role and of retention, as the aggregator binds them (section Store,
/// services/configuration/Store/StoreOptions.cs; Aggregator:Role, AggregatorOptions). They are spelled out here
/// because the options types are written alongside this code; the keys are the contract of issue 13.
/// </summary>
public static class StoreEnvironment
{
    public const string RoleKey = "Aggregator:Role";
    public const string StoreRole = "Store";

    public const string RetentionEventsDaysKey = "Store:Retention:EventsDays";
    public const string RetentionCountsDaysKey = "Store:Retention:CountsDays";
    public const string RetentionDeadLettersDaysKey = "Store:Retention:DeadLettersDays";
    public const string RetentionTenantsKey = "Store:Retention:Tenants";
    public const string CursorKeyKey = "Store:CursorKey";
    public const string ArchiveEnabledKey = "Store:Archive:Enabled";
    public const string ArchiveBindingNameKey = "Store:Archive:BindingName";

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
            yield return Value(prefix + nameof(TenantRetentionSpec.Tenant), tenant.Tenant);
            if (tenant.EventsDays is { } events)
            {
                yield return Value(prefix + nameof(TenantRetentionSpec.EventsDays), events);
            }
            if (tenant.CountsDays is { } counts)
            {
                yield return Value(prefix + nameof(TenantRetentionSpec.CountsDays), counts);
            }
            if (tenant.DeadLettersDays is { } deadLetters)
            {
                yield return Value(prefix + nameof(TenantRetentionSpec.DeadLettersDays), deadLetters);
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
