using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Retention in whole days, as Loki's retention_period and per-tenant overrides. The bounds are the services' own
/// (1..3650 days, StoreOptions.Retention); the tenant list is bounded because each entry becomes environment
/// variables of two Deployments.
/// </summary>
[Description("Retention in days: the defaults for every tenant, and per-tenant overrides.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RetentionSpec
{
    public const int MaxTenants = 100;

    [Description("Days events (log_events) are kept; older daily partitions are dropped (archived first when archive is set).")]
    [Range(1, 3650)]
    public int EventsDays { get; set; } = 7;

    [Description("Days counts (log_counts) are kept.")]
    [Range(1, 3650)]
    public int CountsDays { get; set; } = 400;

    [Description("Days dead letters (dead_letters) are kept.")]
    [Range(1, 3650)]
    public int DeadLettersDays { get; set; } = 30;

    [Description("Per-tenant overrides (at most 100, one per tenant); a field left out keeps the default above.")]
    [Items(0, MaxTenants)]
    [ListTypeMap("tenant")]
    public List<TenantRetentionSpec>? Tenants { get; set; }
}

[Description("Retention of one tenant.")]
[CelRule("has(self.eventsDays) || has(self.countsDays) || has(self.deadLettersDays)", "a tenant override needs at least one of eventsDays, countsDays, deadLettersDays")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class TenantRetentionSpec
{
    [JsonRequired]
    [Description("The tenant_id, as ingest stored it.")]
    [Length(1, 1024)]
    public string Tenant { get; set; } = null!;

    [Description("Days this tenant's events are kept.")]
    [Range(1, 3650)]
    public int? EventsDays { get; set; }

    [Description("Days this tenant's counts are kept.")]
    [Range(1, 3650)]
    public int? CountsDays { get; set; }

    [Description("Days this tenant's dead letters are kept.")]
    [Range(1, 3650)]
    public int? DeadLettersDays { get; set; }
}
