using LogDapr.DevSidecar.Errors;
using LogDapr.Postgres;

namespace LogDapr.DevSidecar.Components;

/// <summary>
/// daprd's PostgreSQL components (bindings.postgresql, state.postgresql v1/v2) hand their connectionString to pgx
/// (components-contrib v1.16 common/authentication/postgresql/metadata.go GetPgxPoolConfig) and ping the database in
/// Init (bindings/postgres/postgres.go). A string pgx misreads, Npgsql's <c>Host=…;Database=…</c> above all, sends
/// that ping to a local socket, Init fails and daprd exits. The sidecar serves the binding with Npgsql, which would
/// read such a string happily, so it refuses it at start instead, with the reason daprd's dial error hides.
/// </summary>
public static class PostgresConnectionStrings
{
    private static readonly string[] Types = ["bindings.postgresql", "bindings.postgres", "state.postgresql"];

    /// <summary>Throws for the first PostgreSQL component whose connection string daprd could not use.</summary>
    public static void ThrowIfUnusable(ComponentCatalog catalog)
    {
        foreach (var component in catalog.All.Where(c => Types.Contains(c.Type, StringComparer.Ordinal) && c.ResolutionError is null))
        {
            var connectionString = component.Metadata
                .FirstOrDefault(m => string.Equals(m.Key, "connectionString", StringComparison.OrdinalIgnoreCase)).Value;
            if (connectionString is not null && DaprConnectionStringCheck.Problem(connectionString) is { } problem)
            {
                throw new ResourceException(
                    $"component {component.Name} ({component.Type}): initialization would fail in daprd: the connection string {problem}");
            }
        }
    }
}
