using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Restore;
using LogDapr.Aggregator.Tests.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.Aggregator.Tests.Store.Archive;

/// <summary>Archive, drop, then POST /v1/archive/restore on the store role, against the local-file stand-in of the binding.</summary>
[Collection(PostgresCollection.Name)]
public class RestoreTests(PostgresFixture postgres)
{
    private static async Task<(MigratedDatabase Db, string ConnectionString, DirectoryArchiveBinding Binding, DateOnly Day, Dictionary<string, string> Stored)> ArchivedAndDroppedAsync(PostgresFixture postgres, string name)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name);
        var db = await MigratedDatabase.CreateAsync(Npgsql.NpgsqlDataSource.Create(connectionString));
        await new LogDapr.Aggregator.Database.Migrations.MigrationRunner(db.DataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<LogDapr.Aggregator.Database.Migrations.MigrationRunner>.Instance).ApplyAsync(MigratedDatabase.Schema, CancellationToken.None);
        var binding = new DirectoryArchiveBinding(ScratchDirectory.CreateUntilExit("logdapr-archive"));
        var rig = new RetentionRig(db, new StoreOptions
        {
            Retention = new StoreRetentionOptions { EventsDays = 1 },
            Archive = new StoreArchiveOptions { Enabled = true, MaxPartBytes = 256 * 1024, Prefix = "arch" },
        }, DateTimeOffset.UtcNow, binding);
        var day = rig.Today.AddDays(-3);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await DailyPartitions.LogEvents.CreateAsync(connection, MigratedDatabase.Schema, day, CancellationToken.None);
        }

        for (var i = 0; i < 200; i++)
        {
            await db.InsertEventAsync("a", day, $"e{i:D4}", Convert.ToHexString(RandomNumberGenerator.GetBytes(2000)) + " \"quoted\" \\ é\n");
        }

        var stored = await ArchiveTestRows.StoredAsync(db, "a", day);
        await rig.Events.RunAsync(CancellationToken.None);
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));
        return (db, connectionString, binding, day, stored);
    }

    private static AggregatorApp Store(string connectionString, MigratedDatabase db, IArchiveBinding binding) => new(
        new Dictionary<string, string?>
        {
            ["Aggregator:Role"] = "Store",
            ["Store:Archive:Prefix"] = "arch",
            // The restored day must be one the tenant keeps, or retention would remove it again.
            ["Store:Retention:Tenants:0:Tenant"] = "a",
            ["Store:Retention:Tenants:0:EventsDays"] = "10",
        },
        connectionString,
        services =>
        {
            services.AddSingleton(binding);
            services.AddSingleton<ISqlBinding>(new NpgsqlBinding(db.DataSource));
        });

    private static async Task WaitReadyAsync(HttpClient client)
    {
        // Start-up upkeep (migrations, partitions) runs before readiness; the restore must not race it in a test.
        for (var i = 0; i < 300 && (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Restore_puts_back_exactly_the_archived_events_and_restoring_twice_adds_nothing_and_counts_nothing()
    {
        var (db, connectionString, binding, day, stored) = await ArchivedAndDroppedAsync(postgres, "restore");
        await using (db)
        await using (var app = Store(connectionString, db, binding))
        {
            var client = app.CreateClient();
            await WaitReadyAsync(client);
            var uri = new Uri($"/v1/archive/restore?tenant=a&day={day:yyyy-MM-dd}", UriKind.Relative);

            var first = await client.PostAsync(uri, null);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var view = await first.Content.ReadFromJsonAsync<RestoreView>();
            Assert.Equal((200L, 200L), (view!.Events, view.Inserted));
            Assert.Equal(stored, await ArchiveTestRows.StoredAsync(db, "a", day));
            Assert.Contains(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));

            var second = await client.PostAsync(uri, null);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            var again = await second.Content.ReadFromJsonAsync<RestoreView>();
            Assert.Equal((200L, 0L), (again!.Events, again.Inserted));
            Assert.Equal(stored, await ArchiveTestRows.StoredAsync(db, "a", day));
            // Nothing was published: the counter never saw the restored events.
            Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts"));
            Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
        }
    }

    [Fact]
    public async Task Restore_refuses_bad_requests_missing_archives_days_past_retention_and_tampered_parts()
    {
        var (db, connectionString, binding, day, _) = await ArchivedAndDroppedAsync(postgres, "restoreneg");
        await using (db)
        await using (var app = Store(connectionString, db, binding))
        {
            var client = app.CreateClient();
            await WaitReadyAsync(client);
            async Task<(HttpStatusCode, string?)> Post(string query)
            {
                var response = await client.PostAsync(new Uri("/v1/archive/restore?" + query, UriKind.Relative), null);
                return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
            }

            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), await Post($"day={day:yyyy-MM-dd}"));
            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), await Post("tenant=a&day=20261101"));
            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), await Post("tenant=a&day=2026-13-01"));
            Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), await Post($"tenant=nobody&day={day:yyyy-MM-dd}"));
            Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), await Post($"tenant=a&day={day.AddDays(-30):yyyy-MM-dd}"));

            var part = Path.Combine(binding.Root, ArchiveNames.Part("arch", "a", day, 1));
            var bytes = await File.ReadAllBytesAsync(part);
            bytes[^10] ^= 0xFF;
            await File.WriteAllBytesAsync(part, bytes);
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "application/problem+json"), await Post($"tenant=a&day={day:yyyy-MM-dd}"));
            Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        }
    }
}
