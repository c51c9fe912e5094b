namespace LogDapr.Bench.Harness;

/// <summary>Where a benchmark run works and what it may do to the machine.</summary>
public sealed record BenchOptions
{
    public required string RepoRoot { get; init; }

    /// <summary>Logs, the stack's data, rsyslog's config; outside the clone (Postgres runs as another user when root).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The command line, as written into the report.</summary>
    public required string Command { get; init; }

    /// <summary>May apt-get install postgresql and rsyslog-pgsql when missing (root only).</summary>
    public bool AllowInstall { get; init; } = true;

    public bool SkipRsyslog { get; init; }

    /// <summary>Extra configuration for ingest and the aggregator (environment variables), e.g. to measure a proposed setting.</summary>
    public IReadOnlyDictionary<string, string?> AppEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>A processing rules document: the stack runs the processor between the raw topic and the counter (issue 14's cost).</summary>
    public string? ProcessingRulesFile { get; init; }

    /// <summary>
    /// The development sidecar answers publishes at once and stores nothing (--bench-discard-publishes): ingest's own
    /// cost without the stand-in broker's. Nothing is delivered, so nothing is read back.
    /// </summary>
    public bool SidecarDiscardsPublishes { get; init; }

    /// <summary>
    /// Run the counting pipeline alone (a LogPipeline with <c>spec.storage.enabled: false</c>): no log store consumer
    /// group competes with the counter for the cores and Postgres. The store has its own benchmark (--store).
    /// </summary>
    public bool WithoutStore { get; init; }
}
