namespace LogDapr.Bench.Store;

/// <summary>
/// Sizes of the store benchmark (<c>--store</c>). <see cref="Full"/> produces the store section of docs/benchmarks.md;
/// <see cref="Smoke"/> runs the same flow in seconds for CI, which asserts only that every event is stored exactly once.
/// </summary>
public sealed record StorePlan
{
    public required string Name { get; init; }

    /// <summary>Parallel streams of the statement and of COPY alike (one per core, as the COPY baseline).</summary>
    public int Streams { get; init; } = Environment.ProcessorCount;

    /// <summary>Events written by the store's statement, then by COPY, side by side.</summary>
    public long WriteEvents { get; init; } = 1_000_000;

    /// <summary>How long ingest fills the broker while the store and the counter are stopped (the end-to-end drain).</summary>
    public TimeSpan DrainFillDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Accept-to-searchable is measured at this rate through the whole pipeline.</summary>
    public double LagEventsPerSecond { get; init; } = 25_000;
    public TimeSpan LagDuration { get; init; } = TimeSpan.FromSeconds(20);

    public long SearchEvents { get; init; } = 10_000_000;
    public int SearchDays { get; init; } = 7;
    public int SearchTenants { get; init; } = 8;

    /// <summary>Repeats of each search with the indexes, and without them (where a search scans whole partitions).</summary>
    public int Repeats { get; init; } = 200;
    public int RepeatsWithoutIndexes { get; init; } = 10;
    public TimeSpan TimeoutWithoutIndexes { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A proposed index migration (a file with <c>{schema}</c> placeholders, as in the aggregator's migrations) applied
    /// after the catalog's search migrations: to measure indexes before they are part of the product.
    /// </summary>
    public string? ProposedIndexes { get; init; }

    /// <summary>Leave bench_search in the database after the run (to explain plans by hand).</summary>
    public bool KeepSearchData { get; init; }

    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public static StorePlan Full { get; } = new() { Name = "full" };

    public static StorePlan Smoke { get; } = new()
    {
        Name = "smoke",
        WriteEvents = 20_000,
        DrainFillDuration = TimeSpan.FromSeconds(2),
        LagEventsPerSecond = 1_000,
        LagDuration = TimeSpan.FromSeconds(2),
        SearchEvents = 60_000,
        SearchTenants = 3,
        Repeats = 5,
        RepeatsWithoutIndexes = 2,
        VerifyTimeout = TimeSpan.FromSeconds(90),
    };
}
