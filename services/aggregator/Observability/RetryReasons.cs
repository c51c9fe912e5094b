namespace LogDapr.Aggregator.Observability;

/// <summary>Values of the <c>reason</c> label of logdapr.aggregator.messages.retried: why a message was answered RETRY.</summary>
public static class RetryReasons
{
    /// <summary>The Postgres binding did not take the write (Postgres or the sidecar unavailable).</summary>
    public const string SinkUnavailable = "sink_unavailable";

    /// <summary>Migrations have not been applied yet (Postgres unreachable since start-up).</summary>
    public const string SchemaNotReady = "schema_not_ready";

    /// <summary>Every reason, so each is exported at zero from start.</summary>
    public static readonly string[] All = [SinkUnavailable, SchemaNotReady];
}
