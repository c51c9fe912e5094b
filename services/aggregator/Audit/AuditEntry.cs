using LogDapr.ServiceDefaults.Audit;
namespace LogDapr.Aggregator.Audit;

/// <summary>
/// One audit record before it is written: who (an API key's identity, never the key), what, which tenant and resource,
/// from which address, and how it ended. Nothing here can hold a request body.
/// </summary>
public sealed record AuditEntry(
    string Actor,
    string Action,
    string? Tenant,
    string? Resource,
    string? RemoteAddress,
    int StatusCode,
    int Suppressed = 0)
{
    public string Outcome => AuditOutcome.Of(StatusCode);
}
