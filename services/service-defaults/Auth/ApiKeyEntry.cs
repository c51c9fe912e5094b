namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// One configured key: only the SHA-256 of the key is ever stored. <see cref="Tenant"/> is null for admin keys,
/// which are not bound to a tenant. <see cref="Id"/> names the key in logs and rate limits (never the key itself).
/// </summary>
public sealed record ApiKeyEntry(string Id, string? Tenant, byte[] Hash, ApiKeyRoles Roles);
