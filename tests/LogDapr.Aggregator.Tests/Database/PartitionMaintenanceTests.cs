using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Tests.Counting;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogDapr.Aggregator.Tests.Database;

[Collection(PostgresCollection.Name)]
public class PartitionMaintenanceTests(PostgresFixture postgres)
{
    // Ids are partitioned by the database clock's day, so the maintenance clock starts on the same day.
    private static readonly DateTimeOffset Today = new(DateTime.UtcNow.Date.AddHours(9), TimeSpan.Zero);

    [Fact]
    public void Plan_keeps_yesterday_to_three_days_ahead_and_expires_past_retention()
    {
        var today = DateOnly.FromDateTime(Today.UtcDateTime);

        Assert.Equal([today.AddDays(-1), today, today.AddDays(1), today.AddDays(2), today.AddDays(3)], DedupPartitionPlan.DaysToEnsure(today));
        Assert.True(DedupPartitionPlan.TryParseDay(DedupPartitionPlan.PartitionName(today), out var parsed));
        Assert.Equal(today, parsed);
        Assert.False(DedupPartitionPlan.TryParseDay("processed_messages_default", out _));
        Assert.False(DedupPartitionPlan.IsExpired(today.AddDays(-7), today, retentionDays: 7));
        Assert.True(DedupPartitionPlan.IsExpired(today.AddDays(-8), today, retentionDays: 7));
    }

    [Fact]
    public async Task Creates_partitions_moving_rows_out_of_the_default_partition_and_keeps_dedup_working()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "partitions");
        var sql = CountsStatement.Sql(MigratedDatabase.Schema, 10_000);
        var message = BucketAggregator.Aggregate("m1", [BucketingTests.Event("a", "api", Severity.Info, Today)], TimeSpan.FromMinutes(1));
        // Before any partition exists the id lands in the default partition.
        await db.ExecAsBindingAsync(sql, CountsStatement.Params([message]));
        var time = new FakeTimeProvider(Today);

        await new PartitionMaintenance(db.DataSource, time, NullLogger<PartitionMaintenance>.Instance).RunAsync(MigratedDatabase.Schema, 7, CancellationToken.None);

        Assert.Equal(5, await db.ScalarAsync("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind = 'r' AND c.relname LIKE 'processed_messages_p%'"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages_default"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count(*) FROM logdapr.{DedupPartitionPlan.PartitionName(DateOnly.FromDateTime(Today.UtcDateTime))}"));

        // The moved id still de-duplicates a redelivery.
        await db.ExecAsBindingAsync(sql, CountsStatement.Params([message]));
        Assert.Equal(1, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
    }

    [Fact]
    public async Task Drops_partitions_past_retention_and_keeps_the_counts()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "retention");
        var time = new FakeTimeProvider(Today);
        var maintenance = new PartitionMaintenance(db.DataSource, time, NullLogger<PartitionMaintenance>.Instance);
        await maintenance.RunAsync(MigratedDatabase.Schema, 2, CancellationToken.None);
        var message = BucketAggregator.Aggregate("m1", [BucketingTests.Event("a", "api", Severity.Info, Today)], TimeSpan.FromMinutes(1));
        await db.ExecAsBindingAsync(CountsStatement.Sql(MigratedDatabase.Schema, 10_000), CountsStatement.Params([message]));

        time.Advance(TimeSpan.FromDays(4));
        await maintenance.RunAsync(MigratedDatabase.Schema, 2, CancellationToken.None);

        Assert.Equal(0, await db.ScalarAsync($"SELECT count(*) FROM pg_class WHERE relname = '{DedupPartitionPlan.PartitionName(DateOnly.FromDateTime(Today.UtcDateTime))}'"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
        Assert.Equal(1, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
    }
}
