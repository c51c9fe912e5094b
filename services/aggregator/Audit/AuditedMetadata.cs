namespace LogDapr.Aggregator.Audit;

/// <summary>Marks an endpoint as audited: which action it is, and how to read its tenant and resource from the request.</summary>
public sealed record AuditedMetadata(string Action, Func<HttpContext, string?> Tenant, Func<HttpContext, string?> Resource);
