namespace LogDapr.ServiceDefaults.Auth;

/// <summary>What a key may do. Tenant keys default to Write + Read; admin keys see every tenant and replay dead letters.</summary>
[Flags]
public enum ApiKeyRoles
{
    None = 0,
    Write = 1,
    Read = 2,
    Admin = 4,
}
