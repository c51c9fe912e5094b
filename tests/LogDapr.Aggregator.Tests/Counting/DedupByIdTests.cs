using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Counting;

/// <summary>
/// The dedup key is the CloudEvent id alone: an id counted once is never counted again while retained, whatever day
/// it comes back on, and two deliveries of one id racing across the partition boundary count it once.
/// </summary>
[Collection(PostgresCollection.Name)]
public class DedupByIdTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 10, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static MessageCounts Message(string id, int events = 2)
        => BucketAggregator.Aggregate(id, [.. Enumerable.Range(0, events).Select(i => BucketingTests.Event("a", "api", Severity.Info, T0))], TimeSpan.FromMinutes(1));

    private static string Batch(params MessageCounts[] messages)
        => System.Text.Json.JsonDocument.Parse(CountsStatement.Params(messages)).RootElement[0].GetString()!;

    /// <summary>One call of the statement's function, with the day it was first seen on given (the boundary tests).</summary>
    private static async Task<long> CountAsync(NpgsqlConnection connection, string batch, DateOnly seenDay, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand("SELECT logdapr.count_messages($1::jsonb, 10000, $2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = batch });
        command.Parameters.Add(new NpgsqlParameter { Value = seenDay });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<MigratedDatabase> WithDayPartitionsAsync(PostgresFixture postgres, string name)
    {
        var db = await MigratedDatabase.CreateAsync(postgres, name);
        await new PartitionMaintenance(db.DataSource, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<PartitionMaintenance>.Instance)
            .RunAsync(MigratedDatabase.Schema, 7, CancellationToken.None);
        return db;
    }

    [Fact]
    public async Task An_id_counted_yesterday_is_not_counted_again_today_or_tomorrow()
    {
        await using var db = await WithDayPartitionsAsync(postgres, "dedupdays");
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var batch = Batch(Message("m1"));

        Assert.Equal(2, await CountAsync(connection, batch, Today.AddDays(-1)));
        Assert.Equal(0, await CountAsync(connection, batch, Today));
        Assert.Equal(0, await CountAsync(connection, batch, Today.AddDays(1)));

        Assert.Equal(2, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
    }

    [Fact]
    public async Task A_delivery_racing_a_slower_one_of_the_same_id_across_midnight_counts_nothing()
    {
        await using var db = await WithDayPartitionsAsync(postgres, "dedupslow");
        for (var round = 0; round < 10; round++)
        {
            var batch = Batch(Message($"race-{round}"));
            await using var slow = await db.DataSource.OpenConnectionAsync();
            await using var fast = await db.DataSource.OpenConnectionAsync();
            // The first delivery counts the id just before midnight and has not committed yet...
            await using var transaction = await slow.BeginTransactionAsync();
            Assert.Equal(2, await CountAsync(slow, batch, Today.AddDays(-1), transaction));

            // ...the redelivery arrives just after midnight: it must wait, then find the id in yesterday's partition.
            var redelivery = CountAsync(fast, batch, Today);
            await Task.Delay(100);
            Assert.False(redelivery.IsCompleted, "the redelivery did not wait for the first delivery of the id");
            await transaction.CommitAsync();

            Assert.Equal(0, await redelivery);
        }

        Assert.Equal(20, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
    }

    [Fact]
    public async Task Many_concurrent_deliveries_on_both_sides_of_midnight_count_every_id_once()
    {
        await using var db = await WithDayPartitionsAsync(postgres, "dedupmany");
        var messages = Enumerable.Range(0, 60).Select(i => Message($"m{i}", 1 + (i % 3))).ToArray();
        var expected = messages.Sum(m => m.EventCount);

        var counted = await Task.WhenAll(Enumerable.Range(0, 12).Select(async worker =>
        {
            var random = new Random(worker);
            await using var connection = await db.DataSource.OpenConnectionAsync();
            long added = 0;
            foreach (var chunk in messages.OrderBy(_ => random.Next()).Chunk(7))
            {
                added += await CountAsync(connection, Batch(chunk), Today.AddDays(worker % 2 == 0 ? -1 : 0));
            }

            return added;
        }));

        Assert.Equal(expected, counted.Sum());
        Assert.Equal(expected, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(60, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
    }

    [Fact]
    public async Task Ids_recorded_before_the_migration_keep_deduplicating()
    {
        var connectionString = await postgres.CreateDatabaseAsync("dedupmigrate");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var migrations = MigrationCatalog.Load(MigratedDatabase.Schema);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var old = new NpgsqlCommand($"CREATE SCHEMA logdapr; {string.Join(";\n", migrations.Where(m => m.Version <= 3).Select(m => m.Sql))};"
                + "INSERT INTO logdapr.processed_messages (message_day, message_id, event_count) VALUES ('2026-11-20', 'old-1', 2);"
                + "INSERT INTO logdapr.log_counts (tenant_id, service, bucket_start, severity, event_count) VALUES ('a', 'api', '2026-11-22T10:00:00Z', 'info', 2);", connection);
            await old.ExecuteNonQueryAsync();
        }

        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigratedDatabase.Schema, CancellationToken.None);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            Assert.Equal(0, await CountAsync(connection, Batch(Message("old-1")), Today));
            Assert.Equal(2, await CountAsync(connection, Batch(Message("new-1")), Today));
        }

        await using var total = dataSource.CreateCommand("SELECT sum(event_count) FROM logdapr.log_counts");
        Assert.Equal(4L, (long)(decimal)(await total.ExecuteScalarAsync())!);
    }
}
