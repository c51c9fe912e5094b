namespace LogDapr.ServiceDefaults.Auth;

/// <summary>Who is calling: the key's id, its tenant (null = all tenants, for admins and when auth is off) and roles.</summary>
public sealed record ApiKeyPrincipal(string KeyId, string? Tenant, ApiKeyRoles Roles)
{
    /// <summary>The caller when authentication is explicitly disabled: no tenant restriction, every role.</summary>
    public static ApiKeyPrincipal AuthDisabled { get; } = new("auth-disabled", null, ApiKeyRoles.Write | ApiKeyRoles.Read | ApiKeyRoles.Admin);

    public bool IsAdmin => Roles.HasFlag(ApiKeyRoles.Admin);

    /// <summary>Whether this caller may see or write <paramref name="tenant"/>.</summary>
    public bool CanAccessTenant(string tenant) => Tenant is null || string.Equals(Tenant, tenant, StringComparison.Ordinal);
}
