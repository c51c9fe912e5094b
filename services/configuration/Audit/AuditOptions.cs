using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Audit;

/// <summary>
/// The audit trail (section "Audit"): how many API key failures are recorded, so a flood of bad keys cannot fill
/// audit_log. How long records are kept is Store:Retention:AuditDays, with the other retentions.
/// </summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Most API key failures recorded per source address per minute, per replica; the ones beyond are counted and
    /// the count is carried by the address's next record (column <c>suppressed</c>).
    /// </summary>
    [Range(1, 10_000)]
    public int AuthFailuresPerAddressPerMinute { get; set; } = 10;

    /// <summary>Most API key failures recorded per minute from all addresses together, per replica (a flood from many addresses).</summary>
    [Range(1, 100_000)]
    public int AuthFailuresPerMinute { get; set; } = 300;
}
