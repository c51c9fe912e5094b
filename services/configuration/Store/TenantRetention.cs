using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>
/// One tenant's retention, overriding the defaults of "Store:Retention" for the kinds it names (an unset kind keeps
/// the default). Element of "Store:Retention:Tenants".
/// </summary>
public sealed class TenantRetention
{
    /// <summary>The tenant id, exactly as events carry it.</summary>
    [Required]
    [StringLength(1024, MinimumLength = 1)]
    public string Tenant { get; set; } = "";

    [Range(1, 3650)]
    public int? EventsDays { get; set; }

    [Range(1, 3650)]
    public int? CountsDays { get; set; }

    [Range(1, 3650)]
    public int? DeadLettersDays { get; set; }
}
