using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Database;

[Collection(PostgresCollection.Name)]
public class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public void Catalog_holds_numbered_migrations_with_the_schema_substituted()
    {
        var migrations = MigrationCatalog.Load("custom_schema");

        Assert.NotEmpty(migrations);
        Assert.Equal(migrations.Select(m => m.Version).Order(), migrations.Select(m => m.Version));
        Assert.All(migrations, m => Assert.DoesNotContain("{schema}", m.Sql, StringComparison.Ordinal));
        Assert.Contains(migrations, m => m.Sql.Contains("custom_schema.log_counts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Applying_twice_applies_each_migration_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("migrate"));
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);

        var first = await runner.ApplyAsync("logdapr", CancellationToken.None);
        var second = await runner.ApplyAsync("logdapr", CancellationToken.None);

        Assert.Equal(MigrationCatalog.Load("logdapr").Count, first);
        Assert.Equal(0, second);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM logdapr.schema_migrations");
        Assert.Equal((long)first, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Replicas_starting_together_do_not_collide()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("replicas"));

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync("logdapr", CancellationToken.None)));

        Assert.Equal(MigrationCatalog.Load("logdapr").Count, applied.Sum());
    }

    [Fact]
    public async Task A_custom_schema_is_created_and_used()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("schema"));

        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync("tenant_logs", CancellationToken.None);

        await using var command = dataSource.CreateCommand("SELECT to_regclass('tenant_logs.log_counts') IS NOT NULL AND to_regclass('tenant_logs.dead_letters') IS NOT NULL");
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }
}
