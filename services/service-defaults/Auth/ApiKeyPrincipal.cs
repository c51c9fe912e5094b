namespace LogDapr.ServiceDefaults.Auth;

/// <summary>Who is calling: the key's id, its tenant (null = all tenants, for admins and when auth is off) and roles.</summary>
public sealed record ApiKeyPrincipal(string KeyId, string? Tenant, ApiKeyRoles Roles)
{
    /// <summary>The caller when authentication is explicitly disabled: no tenant restriction, every role.</summary>
    public static ApiKeyPrincipal AuthDisabled { get; } = new("auth-disabled", null, ApiKeyRoles.Write | ApiKeyRoles.Read | ApiKeyRoles.Admin);

    public bool IsAdmin => Roles.HasFlag(ApiKeyRoles.Admin);

    /// <summary>
    /// Who the caller is for idempotency keys, message ids and rate limits: the tenant (or <c>_admin</c>) and the key's
    /// id, because key ids are unique only within a tenant's file. Every caller is the same one while auth is off.
    /// </summary>
    public string Identity => this == AuthDisabled ? KeyId : $"{Tenant ?? ApiKeyFile.AdminFileName}/{KeyId}";

    /// <summary>Whether this caller may see or write <paramref name="tenant"/>.</summary>
    public bool CanAccessTenant(string tenant) => Tenant is null || string.Equals(Tenant, tenant, StringComparison.Ordinal);
}
