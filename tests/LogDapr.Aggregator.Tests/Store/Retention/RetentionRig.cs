using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LogDapr.Aggregator.Tests.Store.Retention;

/// <summary>The store's retention and archive wired by hand over a migrated database.</summary>
internal sealed class RetentionRig
{
    public RetentionRig(MigratedDatabase db, StoreOptions store, DateTimeOffset now, IArchiveBinding? binding = null)
    {
        Store = store;
        Time = new FakeTimeProvider(now);
        Metrics = new RetentionMetrics(new TestMeterFactory());
        Binding = binding ?? new DirectoryArchiveBinding(ScratchDirectory.CreateUntilExit("logdapr-archive"));
        Archiver = new EventArchiver(Binding, Postgres, Options.Create(store), Time);
        Events = new EventRetention(db.DataSource, Postgres, Options.Create(store), Archiver, Metrics, Time, NullLogger<EventRetention>.Instance);
        Counts = new CountsRetention(db.DataSource, Postgres, Options.Create(store), Metrics, Time, NullLogger<CountsRetention>.Instance);
        DeadLetters = new DeadLetterRetention(db.DataSource, Postgres, Options.Create(store), Metrics, Time, NullLogger<DeadLetterRetention>.Instance);
    }

    public static IOptions<PostgresOptions> Postgres { get; } = Options.Create(new PostgresOptions { Schema = MigratedDatabase.Schema });

    public StoreOptions Store { get; }

    public FakeTimeProvider Time { get; }

    public RetentionMetrics Metrics { get; }

    public IArchiveBinding Binding { get; }

    public EventArchiver Archiver { get; }

    public EventRetention Events { get; }

    public CountsRetention Counts { get; }

    public DeadLetterRetention DeadLetters { get; }

    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
}

/// <summary>
/// A local-file stand-in of the archive binding (what bindings.localstorage does with fileName: one file per object
/// under a root), for the archive tests that do not need a sidecar. Can be told to fail.
/// </summary>
internal sealed class DirectoryArchiveBinding(string root) : IArchiveBinding
{
    public string Root { get; } = root;

    public bool Fail { get; set; }

    public List<string> Written { get; } = [];

    public async Task CreateAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new IOException("binding unavailable");
        }

        var path = Path.Combine(Root, objectName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content.ToArray(), cancellationToken);
        Written.Add(objectName);
    }

    /// <summary>Fails as bindings.localstorage does for a missing file ("file not found: PATH").</summary>
    public Task<byte[]> GetAsync(string objectName, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, objectName);
        return File.Exists(path) ? File.ReadAllBytesAsync(path, cancellationToken) : throw new IOException("file not found: " + path);
    }
}
