extern alias DevSidecar;

using System.IO.Compression;
using System.Security.Cryptography;
using Dapr.Client;
using DevSidecar::LogDapr.DevSidecar.Cli;
using DevSidecar::LogDapr.DevSidecar.Hosting;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Restore;
using LogDapr.Aggregator.Tests.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Store.Archive;

/// <summary>
/// Archive and restore through the real Dapr path: the Dapr SDK's InvokeBinding (gRPC) to the development sidecar's
/// bindings.localstorage component, with the metadata and base64 content <see cref="DaprArchiveBinding"/> sends.
/// </summary>
[Collection(PostgresCollection.Name)]
public class ArchiveThroughSidecarTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Archive_through_bindings_localstorage_writes_the_gzip_files_and_restores_the_exact_events()
    {
        var root = ScratchDirectory.CreateUntilExit("logdapr-archive-root");
        var resources = ScratchDirectory.CreateUntilExit("logdapr-archive-components");
        await File.WriteAllTextAsync(Path.Combine(resources, "archive.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: test-archive
            spec:
              type: bindings.localstorage
              version: v1
              metadata:
                - name: rootPath
                  value: "{root}"
            """);
        await using var sidecar = await SidecarHost.StartAsync(new SidecarOptions
        {
            ResourcesPaths = [resources],
            HttpPort = 0,
            GrpcPort = 0,
            AppId = "logdapr-store",
            DataDir = ScratchDirectory.CreateUntilExit("logdapr-archive-data"),
            LogLevel = LogLevel.Warning,
        });
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
        var store = new StoreOptions
        {
            Retention = new StoreRetentionOptions { EventsDays = 1 },
            Archive = new StoreArchiveOptions { Enabled = true, BindingName = "test-archive", Prefix = "arch", MaxPartBytes = 256 * 1024 },
        };
        var binding = new DaprArchiveBinding(dapr, Options.Create(store));

        await using var db = await MigratedDatabase.CreateAsync(postgres, "archdapr");
        var rig = new RetentionRig(db, store, DateTimeOffset.UtcNow, binding);
        var day = rig.Today.AddDays(-3);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await DailyPartitions.LogEvents.CreateAsync(connection, MigratedDatabase.Schema, day, CancellationToken.None);
        }

        for (var i = 0; i < 150; i++)
        {
            await db.InsertEventAsync("a", day, $"e{i:D4}", Convert.ToHexString(RandomNumberGenerator.GetBytes(2000)) + " \"q\" \\ é");
        }

        var stored = await ArchiveTestRows.StoredAsync(db, "a", day);

        await rig.Events.RunAsync(CancellationToken.None);

        Assert.DoesNotContain(DailyPartitions.LogEvents.PartitionName(day), await db.PartitionsAsync("log_events"));
        // On disk: the decoded bytes (a gzip member, not base64 text), matching the manifest.
        var manifest = ArchiveManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(root, ArchiveNames.Manifest("arch", "a", day))));
        Assert.Equal(150, manifest.EventCount);
        Assert.True(manifest.Parts.Count > 1);
        foreach (var part in manifest.Parts)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(root, ArchiveNames.Folder("arch", "a", day), part.Name));
            Assert.Equal((byte)0x1f, bytes[0]);
            Assert.Equal(part.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            await using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            await gzip.CopyToAsync(Stream.Null);
        }

        // Back through the binding's get, into the store's table.
        var restorer = new ArchiveRestorer(binding, new NpgsqlBinding(db.DataSource), db.DataSource, RetentionRig.Postgres,
            Options.Create(new StoreOptions { Retention = new StoreRetentionOptions { EventsDays = 10 }, Archive = store.Archive }),
            TimeProvider.System, NullLogger<ArchiveRestorer>.Instance);
        var restored = await restorer.RestoreAsync("a", day, CancellationToken.None);
        Assert.Equal((RestoreStatus.Restored, 150L, 150L), (restored.Status, restored.Events, restored.Inserted));
        Assert.Equal(stored, await ArchiveTestRows.StoredAsync(db, "a", day));
        Assert.Equal(RestoreStatus.NotFound, (await restorer.RestoreAsync("nobody", day, CancellationToken.None)).Status);
    }
}
