using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>How long each kind of stored data is kept (section "Store:Retention").</summary>
public sealed class StoreRetentionOptions : IValidatableObject
{
    /// <summary>Most per-tenant overrides: each costs a bounded amount of work per retention run.</summary>
    public const int MaxTenantOverrides = 10_000;

    /// <summary>Days raw events (log_events) are kept.</summary>
    [Range(1, 3650)]
    public int EventsDays { get; set; } = 7;

    /// <summary>Days per-bucket counts (log_counts) are kept.</summary>
    [Range(1, 3650)]
    public int CountsDays { get; set; } = 400;

    /// <summary>Days dead letters are kept after they were last seen.</summary>
    [Range(1, 3650)]
    public int DeadLettersDays { get; set; } = 30;

    /// <summary>Days audit records (audit_log) are kept; one value for all tenants, since a record may concern none.</summary>
    [Range(1, 3650)]
    public int AuditDays { get; set; } = 365;

    /// <summary>Per-tenant overrides, longer or shorter than the defaults; a tenant appears at most once.</summary>
    [MaxLength(MaxTenantOverrides)]
    public List<TenantRetention> Tenants { get; set; } = [];

    /// <summary>Validates each override (the annotations of list elements are not checked by the validator) and their uniqueness.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tenants.Count; i++)
        {
            var tenant = Tenants[i];
            if (tenant is null)
            {
                yield return new ValidationResult($"Tenants:{i} is empty.", [$"{nameof(Tenants)}:{i}"]);
                continue;
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(tenant, new ValidationContext(tenant), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"Tenants:{i}: {result.ErrorMessage}", [.. result.MemberNames.Select(m => $"{nameof(Tenants)}:{i}:{m}")]);
            }

            if (!string.IsNullOrEmpty(tenant.Tenant) && !seen.Add(tenant.Tenant))
            {
                yield return new ValidationResult($"Tenants:{i}: tenant '{tenant.Tenant}' already has an override; each tenant appears once.", [$"{nameof(Tenants)}:{i}:{nameof(TenantRetention.Tenant)}"]);
            }
        }
    }
}
