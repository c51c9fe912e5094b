using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Tests.Counting;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Store.Retention;

[Collection(PostgresCollection.Name)]
public class CounterRetentionTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static async Task CountAsync(MigratedDatabase db, string messageId, string tenant, DateTimeOffset at)
    {
        var message = BucketAggregator.Aggregate(messageId, [BucketingTests.Event(tenant, "api", Severity.Info, at)], TimeSpan.FromMinutes(1));
        await db.ExecAsBindingAsync(CountsStatement.Sql(MigratedDatabase.Schema, 10_000), CountsStatement.Params([message]));
    }

    private static async Task<SortedSet<string>> CountedAsync(MigratedDatabase db, string table)
    {
        var left = new SortedSet<string>(StringComparer.Ordinal);
        await using var command = db.DataSource.CreateCommand($"SELECT tenant_id, bucket_start FROM logdapr.{table}");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            left.Add($"{reader.GetString(0)}@{(int)Math.Round((reader.GetFieldValue<DateTimeOffset>(1) - Now).TotalDays)}");
        }

        return left;
    }

    [Fact]
    public async Task Counts_drop_months_past_the_longest_retention_and_delete_shorter_tenants_by_row()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "cntret");
        var store = new StoreOptions
        {
            Retention = new StoreRetentionOptions
            {
                CountsDays = 60,
                Tenants = [new TenantRetention { Tenant = "long", CountsDays = 100 }, new TenantRetention { Tenant = "short", CountsDays = 5 }],
            },
        };
        // A first run 200 days ago creates the partitions of that time; counts land in them.
        var past = new RetentionRig(db, store, Now.AddDays(-200));
        await past.Counts.RunAsync(CancellationToken.None);
        var oldMonth = MonthlyPartitions.LogCounts.PartitionName(MonthlyPartitions.MonthOf(DateOnly.FromDateTime(Now.AddDays(-200).UtcDateTime)));
        Assert.Contains(oldMonth, await db.PartitionsAsync("log_counts"));
        var n = 0;
        foreach (var tenant in new[] { "a", "long", "short" })
        {
            foreach (var days in new[] { -200, -80, -20, -1 })
            {
                await CountAsync(db, $"m{n++}", tenant, Now.AddDays(days));
            }
        }

        var rig = new RetentionRig(db, store, Now);
        await rig.Counts.RunAsync(CancellationToken.None);

        string[] expected = ["a@-1", "a@-20", "long@-1", "long@-20", "long@-80", "short@-1"];
        Assert.Equal(expected, await CountedAsync(db, "log_counts"));
        Assert.Equal(expected, await CountedAsync(db, "bucket_series"));
        Assert.DoesNotContain(oldMonth, await db.PartitionsAsync("log_counts"));
        Assert.DoesNotContain(MonthlyPartitions.BucketSeries.PartitionName(MonthlyPartitions.MonthOf(DateOnly.FromDateTime(Now.AddDays(-200).UtcDateTime))), await db.PartitionsAsync("bucket_series"));
        Assert.Contains(MonthlyPartitions.LogCounts.PartitionName(MonthlyPartitions.MonthOf(DateOnly.FromDateTime(Now.AddDays(-100).UtcDateTime))), await db.PartitionsAsync("log_counts"));
        Assert.Contains(MonthlyPartitions.LogCounts.PartitionName(MonthlyPartitions.MonthOf(DateOnly.FromDateTime(Now.AddDays(35).UtcDateTime))), await db.PartitionsAsync("log_counts"));

        // Counting still works on the partitioned table: a redelivery adds nothing, a new message adds to its bucket.
        await CountAsync(db, "m11", "short", Now.AddDays(-1));
        await CountAsync(db, "fresh", "short", Now.AddDays(-1));
        Assert.Equal(2, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id = 'short'"));
    }

    [Fact]
    public async Task Counts_retention_is_skipped_while_another_replica_holds_its_lock()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "cntlock");
        var rig = new RetentionRig(db, new StoreOptions { Retention = new StoreRetentionOptions { CountsDays = 1 } }, Now);
        await CountAsync(db, "m1", "a", Now.AddDays(-100));

        await using (await db.HoldLockAsync(RetentionLock.Name(CountsRetention.Job, MigratedDatabase.Schema)))
        {
            await rig.Counts.RunAsync(CancellationToken.None);
            Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts"));
        }

        await rig.Counts.RunAsync(CancellationToken.None);
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts"));
    }

    [Fact]
    public async Task Migration_0008_keeps_existing_counts_in_monthly_partitions()
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("cntmig"));
        await using (dataSource)
        {
            // The schema as it was before 0008, with counts in it.
            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                await Exec(connection, $"CREATE SCHEMA {MigratedDatabase.Schema}; CREATE TABLE {MigratedDatabase.Schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                foreach (var migration in MigrationCatalog.Load(MigratedDatabase.Schema).Where(m => m.Version < 8))
                {
                    await Exec(connection, migration.Sql);
                    await Exec(connection, $"INSERT INTO {MigratedDatabase.Schema}.schema_migrations (version, name) VALUES ({migration.Version}, '{migration.Name}')");
                }
            }

            var db = await MigratedDatabase.CreateAsync(dataSource);
            await CountAsync(db, "before-1", "a", new DateTimeOffset(2026, 9, 30, 23, 59, 0, TimeSpan.Zero));
            await CountAsync(db, "before-2", "a", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
            await CountAsync(db, "before-3", "b", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
            Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = 'log_counts'"));

            // 0008 and every migration after it.
            Assert.Equal(MigrationCatalog.Load(MigratedDatabase.Schema).Count(m => m.Version >= 8),
                await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigratedDatabase.Schema, CancellationToken.None));

            Assert.Equal(["log_counts_default", "log_counts_p202609", "log_counts_p202610"], await db.PartitionsAsync("log_counts"));
            Assert.Equal(["bucket_series_default", "bucket_series_p202609", "bucket_series_p202610"], await db.PartitionsAsync("bucket_series"));
            Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts_p202609"));
            Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts_p202610"));
            Assert.Equal(2, await db.ScalarAsync("SELECT series FROM logdapr.bucket_series WHERE tenant_id = 'a' AND bucket_start = '2026-10-01T00:00:00Z'") + await db.ScalarAsync("SELECT series FROM logdapr.bucket_series WHERE tenant_id = 'a' AND bucket_start = '2026-09-30T23:59:00Z'"));
            // The dedup of messages counted before the migration still holds; new counts add up.
            await CountAsync(db, "before-2", "a", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
            await CountAsync(db, "after", "a", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
            Assert.Equal(2, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id = 'a' AND bucket_start = '2026-10-01T00:00:00Z'"));
        }
    }

    [Fact]
    public async Task Dead_letters_are_deleted_after_their_tenant_retention_since_last_seen()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "dlret");
        var rig = new RetentionRig(db, new StoreOptions
        {
            Retention = new StoreRetentionOptions { DeadLettersDays = 10, Tenants = [new TenantRetention { Tenant = "keep", DeadLettersDays = 100 }, new TenantRetention { Tenant = "brief", DeadLettersDays = 1 }] },
        }, Now);
        var rows = new (string Id, string? Tenant, int DaysAgo)[]
        {
            ("n-old", null, 11), ("n-new", null, 9), ("a-old", "a", 11), ("a-new", "a", 9),
            ("keep-old", "keep", 101), ("keep-new", "keep", 50), ("brief-old", "brief", 2), ("brief-new", "brief", 0),
        };
        foreach (var (id, tenant, daysAgo) in rows)
        {
            await using var insert = db.DataSource.CreateCommand("INSERT INTO logdapr.dead_letters (message_id, payload, reason, tenant_id, first_seen, last_seen) VALUES (@id, '{}', 'r', @tenant, @at, @at)");
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
            insert.Parameters.AddWithValue("at", Now.AddDays(-daysAgo).AddHours(-1));
            await insert.ExecuteNonQueryAsync();
        }

        await rig.DeadLetters.RunAsync(CancellationToken.None);

        var left = new SortedSet<string>(StringComparer.Ordinal);
        await using (var command = db.DataSource.CreateCommand("SELECT message_id FROM logdapr.dead_letters"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                left.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["a-new", "brief-new", "keep-new", "n-new"], left);
        Assert.Equal(4, rig.Metrics.DeletedTotal);
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
