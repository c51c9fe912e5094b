namespace LogDapr.Contracts.Pipeline;

/// <summary>
/// Configuration keys the services read (ASP.NET Core configuration paths). As environment variables the
/// ':' becomes "__", e.g. <c>Pipeline__PubSubName</c>. The operator sets these; tests render and read them.
/// </summary>
public static class ConfigKeys
{
    public const string PipelineSection = "Pipeline";
    public const string PubSubName = "Pipeline:PubSubName";
    public const string Topic = "Pipeline:Topic";
    public const string DeadLetterTopic = "Pipeline:DeadLetterTopic";
    public const string StateStoreName = "Pipeline:StateStoreName";
    public const string BindingName = "Pipeline:BindingName";

    public const string IngestSection = "Ingest";
    public const string IngestMaxBodyBytes = "Ingest:MaxBodyBytes";
    public const string IngestMaxEventsPerBatch = "Ingest:MaxEventsPerBatch";
    public const string IngestMaxMessageBytes = "Ingest:MaxMessageBytes";
    public const string IngestMaxAttributes = "Ingest:MaxAttributes";
    public const string IngestPublishTimeout = "Ingest:PublishTimeout";
    public const string IngestEventsPerMessage = "Ingest:EventsPerMessage";

    public const string AggregatorSection = "Aggregator";
    public const string AggregatorBucketWidth = "Aggregator:BucketWidth";
    public const string AggregatorBulkMaxMessages = "Aggregator:BulkMaxMessages";
    public const string AggregatorBulkMaxAwaitMilliseconds = "Aggregator:BulkMaxAwaitMilliseconds";
    /// <summary>When true the aggregator declares no programmatic subscriptions (a Dapr Subscription resource does).</summary>
    public const string AggregatorDeclarativeSubscriptions = "Aggregator:DeclarativeSubscriptions";

    public const string PostgresSection = "Postgres";
    /// <summary>Npgsql connection string for migrations and the query API (reads); writes go through the binding.</summary>
    public const string PostgresConnectionString = "Postgres:ConnectionString";
    public const string PostgresSchema = "Postgres:Schema";
    public const string PostgresDedupRetentionDays = "Postgres:DedupRetentionDays";

    /// <summary>Standard Dapr SDK variables, set by the sidecar injector, <c>dapr run</c> or the local runner.</summary>
    public const string DaprHttpPortEnv = "DAPR_HTTP_PORT";
    public const string DaprGrpcPortEnv = "DAPR_GRPC_PORT";
    public const string DaprApiTokenEnv = "DAPR_API_TOKEN";

    /// <summary>ASP.NET Core listen addresses; the services bind here.</summary>
    public const string Urls = "ASPNETCORE_URLS";
}
