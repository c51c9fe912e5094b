using System.IO.Compression;
using System.Security.Cryptography;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Tests.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;

namespace LogDapr.Aggregator.Tests.Store.Archive;

[Collection(PostgresCollection.Name)]
public class ArchiveTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static StoreOptions Options() => new()
    {
        Retention = new StoreRetentionOptions { EventsDays = 1 },
        Archive = new StoreArchiveOptions { Enabled = true, MaxPartBytes = 256 * 1024, Prefix = "arch" },
    };

    private static async Task<DateOnly> SeedAsync(MigratedDatabase db, DateOnly today)
    {
        var day = today.AddDays(-3);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await DailyPartitions.LogEvents.CreateAsync(connection, MigratedDatabase.Schema, day, CancellationToken.None);
        }

        // Incompressible messages, so tenant a's day needs several parts of at most 256 KiB.
        for (var i = 0; i < 300; i++)
        {
            await db.InsertEventAsync("a", day, $"e{i:D4}", Convert.ToHexString(RandomNumberGenerator.GetBytes(2000)));
        }

        await db.InsertEventAsync("team/odd tenant", day, "x1", "line \"quoted\"\nnext é");
        return day;
    }

    /// <summary>The archived tenant-day, read back through the binding, checked against its manifest, in the same form.</summary>
    private static async Task<(ArchiveManifest Manifest, Dictionary<string, string> Events)> ArchivedAsync(MigratedDatabase db, IArchiveBinding binding, string tenant, DateOnly day)
    {
        var manifest = ArchiveManifest.Parse(await binding.GetAsync(ArchiveNames.Manifest("arch", tenant, day), CancellationToken.None));
        var lines = new List<ArchivedEvent>();
        foreach (var part in manifest.Parts)
        {
            var bytes = await binding.GetAsync(ArchiveNames.Folder("arch", tenant, day) + "/" + part.Name, CancellationToken.None);
            Assert.Equal(part.ByteSize, bytes.Length);
            Assert.Equal(part.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.True(bytes.Length <= 256 * 1024);
            using var reader = new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
            var count = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(ArchiveLine.Read(System.Text.Encoding.UTF8.GetBytes(line)));
                count++;
            }

            Assert.Equal(part.EventCount, count);
        }

        // Put the lines back into a scratch table of log_events' shape, so both sides are rendered by Postgres alike.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using (var create = new Npgsql.NpgsqlCommand("CREATE TEMP TABLE restored (LIKE logdapr.log_events INCLUDING DEFAULTS)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var line in lines)
        {
            await using var insert = new Npgsql.NpgsqlCommand("""
                INSERT INTO restored (tenant_id, event_day, event_id, ts, received_at, service, severity, host, message, attributes, trace_id, span_id, message_id)
                VALUES (@t, @d, @id, @ts, @rt, @s, @sv, @h, @m, @a::jsonb, @tr, @sp, @mid)
                """, connection);
            var e = line.Event;
            insert.Parameters.AddWithValue("t", e.TenantId);
            insert.Parameters.AddWithValue("d", day);
            insert.Parameters.AddWithValue("id", e.Id);
            insert.Parameters.AddWithValue("ts", e.Timestamp);
            insert.Parameters.AddWithValue("rt", line.ReceivedAt);
            insert.Parameters.AddWithValue("s", e.Service);
            insert.Parameters.AddWithValue("sv", (short)e.Severity);
            insert.Parameters.AddWithValue("h", (object?)e.Host ?? DBNull.Value);
            insert.Parameters.AddWithValue("m", e.Message);
            insert.Parameters.AddWithValue("a", System.Text.Json.JsonSerializer.Serialize(e.Attributes.ToDictionary(p => p.Key, p => p.Value)));
            insert.Parameters.AddWithValue("tr", (object?)e.TraceId ?? DBNull.Value);
            insert.Parameters.AddWithValue("sp", (object?)e.SpanId ?? DBNull.Value);
            insert.Parameters.AddWithValue("mid", line.MessageId);
            await insert.ExecuteNonQueryAsync();
        }

        var events = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var select = new Npgsql.NpgsqlCommand("""
            SELECT event_id, concat_ws('|', tenant_id, ts, received_at, service, severity, host, message, attributes::text, trace_id, span_id, message_id) FROM restored
            """, connection);
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                events.Add(reader.GetString(0), reader.GetString(1));
            }
        }

        return (manifest, events);
    }

    [Fact]
    public async Task Archives_every_tenant_day_in_bounded_parts_before_dropping_it_and_the_archive_holds_exactly_the_events()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "archive");
        var rig = new RetentionRig(db, Options(), Now);
        var day = await SeedAsync(db, rig.Today);
        var storedA = await ArchiveTestRows.StoredAsync(db, "a", day);
        var storedOdd = await ArchiveTestRows.StoredAsync(db, "team/odd tenant", day);

        await rig.Events.RunAsync(CancellationToken.None);

        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));
        var (manifest, archivedA) = await ArchivedAsync(db, rig.Binding, "a", day);
        Assert.Equal(("a", day, 300L), (manifest.TenantId, manifest.Day, manifest.EventCount));
        Assert.True(manifest.Parts.Count > 1, $"{manifest.Parts.Count} parts");
        Assert.Equal(manifest.Parts.Sum(p => p.ByteSize), manifest.ByteSize);
        Assert.Equal(storedA, archivedA);

        var (oddManifest, archivedOdd) = await ArchivedAsync(db, rig.Binding, "team/odd tenant", day);
        Assert.Equal("team/odd tenant", oddManifest.TenantId);
        Assert.StartsWith("arch/sha256-", ArchiveNames.Manifest("arch", "team/odd tenant", day), StringComparison.Ordinal);
        Assert.Equal(storedOdd, archivedOdd);
    }

    [Fact]
    public async Task A_failed_archive_leaves_the_partition_for_the_next_run_which_rewrites_the_same_objects()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "archfail");
        var binding = new DirectoryArchiveBinding(ScratchDirectory.CreateUntilExit("logdapr-archive")) { Fail = true };
        var rig = new RetentionRig(db, Options(), Now, binding);
        var day = await SeedAsync(db, rig.Today);

        await rig.Events.RunAsync(CancellationToken.None);

        Assert.Contains(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));
        Assert.Equal(301, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.True(rig.Metrics.ArchiveFailuresTotal > 0);

        binding.Fail = false;
        await rig.Events.RunAsync(CancellationToken.None);
        var firstRun = binding.Written.ToList();
        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));

        // Archiving the same tenant-day again (a crash between the archive and the drop) writes the same names.
        await db.InsertEventAsync("a", day, "late");
        binding.Written.Clear();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var again = await rig.Archiver.ArchiveAsync(connection, "a", day, CancellationToken.None);
        Assert.Equal(1, again.EventCount);
        Assert.Equal([ArchiveNames.Part("arch", "a", day, 1), ArchiveNames.Manifest("arch", "a", day)], binding.Written);
        Assert.Contains(ArchiveNames.Part("arch", "a", day, 1), firstRun);
    }
}
