using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Partitions;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Store.Retention;

[Collection(PostgresCollection.Name)]
public class EventRetentionTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static StoreOptions Options(int eventsDays, params TenantRetention[] tenants)
        => new() { Retention = new StoreRetentionOptions { EventsDays = eventsDays, Tenants = [.. tenants] } };

    /// <summary>Creates the partitions of days today-<paramref name="back"/> .. today and one event per tenant and day.</summary>
    private static async Task SeedAsync(MigratedDatabase db, DateOnly today, int back, params string[] tenants)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var existing = await DailyPartitions.LogEvents.ListAsync(connection, MigratedDatabase.Schema, CancellationToken.None);
        for (var offset = -back; offset <= 0; offset++)
        {
            var day = today.AddDays(offset);
            if (!existing.Contains(DailyPartitions.LogEvents.PartitionName(day)))
            {
                await DailyPartitions.LogEvents.CreateAsync(connection, MigratedDatabase.Schema, day, CancellationToken.None);
            }

            foreach (var tenant in tenants)
            {
                await db.InsertEventAsync(tenant, day, $"{tenant}-{offset}");
            }
        }
    }

    private static SortedSet<string> Expected(string tenant, int keptDays, int back)
        => new(Enumerable.Range(-Math.Min(keptDays, back), Math.Min(keptDays, back) + 1).Select(o => $"{tenant}@{o}"), StringComparer.Ordinal);

    [Fact]
    public async Task Drops_partitions_past_retention_and_keeps_the_rest()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "evret");
        var rig = new RetentionRig(db, Options(3), Now);
        await SeedAsync(db, rig.Today, 6, "a");

        await rig.Events.RunAsync(CancellationToken.None);

        var partitions = await db.PartitionsAsync("log_events");
        for (var offset = -6; offset <= 0; offset++)
        {
            Assert.Equal(offset >= -3, partitions.Contains(DailyPartitions.LogEvents.PartitionName(rig.Today.AddDays(offset))));
        }

        Assert.Equal(Expected("a", 3, 6), await db.EventDaysAsync(rig.Today));
        Assert.Equal(3, rig.Metrics.DroppedTotal);
        Assert.Equal(0, rig.Metrics.DeletedTotal);
    }

    [Fact]
    public async Task Honours_shorter_and_longer_tenant_overrides_dropping_only_past_the_longest()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "evten");
        var rig = new RetentionRig(db, Options(3, new TenantRetention { Tenant = "long", EventsDays = 8 }, new TenantRetention { Tenant = "short", EventsDays = 1 }), Now);
        await SeedAsync(db, rig.Today, 10, "a", "long", "short");

        await rig.Events.RunAsync(CancellationToken.None);

        Assert.Equal(
            Expected("a", 3, 10).Concat(Expected("long", 8, 10)).Concat(Expected("short", 1, 10)).ToHashSet(),
            (await db.EventDaysAsync(rig.Today)).ToHashSet());
        var partitions = await db.PartitionsAsync("log_events");
        Assert.Contains(DailyPartitions.LogEvents.PartitionName(rig.Today.AddDays(-8)), partitions);
        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(rig.Today.AddDays(-9)), partitions);
        Assert.Equal(2, rig.Metrics.DroppedTotal);
        // Inside the kept partitions only rows of tenants whose retention is shorter go: a's days -8..-4 and short's -8..-2.
        Assert.Equal(5 + 7, rig.Metrics.DeletedTotal);
    }

    [Fact]
    public async Task Trims_the_default_partition_by_row_per_tenant()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "evdef");
        var rig = new RetentionRig(db, Options(3, new TenantRetention { Tenant = "long", EventsDays = 30 }), Now);
        // No partition exists for these days: the rows land in log_events_default.
        await db.InsertEventAsync("a", rig.Today.AddDays(-20), "old");
        await db.InsertEventAsync("a", rig.Today.AddDays(400), "future");
        await db.InsertEventAsync("long", rig.Today.AddDays(-20), "old");
        await db.InsertEventAsync("long", rig.Today.AddDays(-31), "older");

        await rig.Events.RunAsync(CancellationToken.None);

        Assert.Equal(["a@400", "long@-20"], await db.EventDaysAsync(rig.Today));
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events_default"));
    }

    [Fact]
    public async Task A_run_while_another_replica_holds_the_lock_is_a_no_op()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "evlock");
        var rig = new RetentionRig(db, Options(1), Now);
        await SeedAsync(db, rig.Today, 4, "a");

        await using (await db.HoldLockAsync(RetentionLock.Name(EventRetention.Job, MigratedDatabase.Schema)))
        {
            await rig.Events.RunAsync(CancellationToken.None);
            Assert.Equal(Expected("a", 4, 4), await db.EventDaysAsync(rig.Today));
            Assert.Equal(0, rig.Metrics.DroppedTotal);
        }

        // Released (the holder's session ended): the next run does the work.
        await rig.Events.RunAsync(CancellationToken.None);
        Assert.Equal(Expected("a", 1, 4), await db.EventDaysAsync(rig.Today));
    }

    [Fact]
    public async Task Partition_upkeep_creates_days_back_to_the_longest_retention()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "evplan");
        var store = Options(3, new TenantRetention { Tenant = "long", EventsDays = 12 });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        await new EventPartitionMaintenance(db.DataSource, RetentionRig.Postgres, Microsoft.Extensions.Options.Options.Create(store), time, NullLogger<EventPartitionMaintenance>.Instance).RunAsync(CancellationToken.None);

        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var partitions = await db.PartitionsAsync("log_events");
        Assert.Contains(DailyPartitions.LogEvents.PartitionName(today.AddDays(-12)), partitions);
        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(today.AddDays(-13)), partitions);
    }
}
