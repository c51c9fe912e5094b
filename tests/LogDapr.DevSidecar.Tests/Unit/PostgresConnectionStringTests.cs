using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>
/// daprd's PostgreSQL components read their connection string with pgx and fail Init on one it misreads; the
/// sidecar, which serves them with Npgsql, must not accept what daprd would not.
/// </summary>
public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("bindings.postgresql", "v1")]
    [InlineData("state.postgresql", "v2")]
    public void A_component_with_the_npgsql_form_stops_the_sidecar_at_start_as_daprd_init_fails(string type, string version)
    {
        var catalog = Catalog(type, version, "Host=db;Database=logs;Username=logdapr;Password=s3cret-value");

        var error = Assert.Throws<ResourceException>(() => PostgresConnectionStrings.ThrowIfUnusable(catalog));

        Assert.Contains($"component pg ({type})", error.Message, StringComparison.Ordinal);
        Assert.Contains("Npgsql form", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://logdapr:s3cret@db:5432/logs?sslmode=disable")]
    [InlineData("host=db port=5432 user=logdapr password=s3cret dbname=logs sslmode=disable")]
    public void The_forms_pgx_reads_are_accepted(string connectionString)
    {
        PostgresConnectionStrings.ThrowIfUnusable(Catalog("bindings.postgresql", "v1", connectionString));
    }

    private static ComponentCatalog Catalog(string type, string version, string connectionString)
    {
        using var dir = new TempDir();
        dir.Write("pg.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pg
            spec:
              type: {type}
              version: {version}
              metadata:
                - name: connectionString
                  value: "{connectionString}"
            """);
        return new ComponentCatalog(ResourceLoader.Load([dir.Path]).Components, NullLogger.Instance, _ => null);
    }
}
