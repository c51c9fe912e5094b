namespace LogDapr.LoadGen.Verification;

/// <summary>
/// Whether the metrics API shows every accepted event exactly once. <see cref="Counted"/> above
/// <see cref="Expected"/> means double counting; below it (after the wait) means lost events.
/// </summary>
public sealed record VerificationResult(
    long Expected,
    long Counted,
    IReadOnlyList<(string TenantId, long Expected, long Counted)> PerTenant,
    TimeSpan? AllCountedAfterLastAccept,
    LagSummary? Lag,
    string? Problem)
{
    public bool ExactlyOnce => Problem is null && PerTenant.All(t => t.Expected == t.Counted);
    public long Duplicated => Math.Max(0, Counted - Expected);
    public long Missing => Math.Max(0, Expected - Counted);
}
