namespace LogDapr.Configuration.Pipeline;

/// <summary>
/// Names shared by the services, the local runner, the component YAMLs and the operator.
/// The operator renders these into Kubernetes objects; the services read them from configuration
/// with these values as defaults, so both sides agree without copying strings.
/// </summary>
public static class PipelineDefaults
{
    public const string IngestAppId = "logdapr-ingest";
    public const string AggregatorAppId = "logdapr-aggregator";

    /// <summary>The aggregator binary in its store role (Aggregator:Role=Store): its own app id, hence its own consumer group.</summary>
    public const string StoreAppId = "logdapr-store";

    /// <summary>The processor role's app id (only when processing rules are configured).</summary>
    public const string ProcessorAppId = "logdapr-processor";

    /// <summary>The router role's app id (only when routes are configured).</summary>
    public const string RouterAppId = "logdapr-router";

    public const string PubSubComponent = "logdapr-pubsub";
    public const string StateStoreComponent = "logdapr-state";

    /// <summary>The enrichment cache's state store (keyPrefix name: the counter writes, the processor reads).</summary>
    public const string EnrichmentStateStoreComponent = "logdapr-enrichment";
    public const string PostgresBindingComponent = "logdapr-postgres";

    public const string LogsTopic = "logs";
    public const string DeadLetterTopic = "logs-deadletter";

    /// <summary>Where ingest sends its audit records (API key failures) for the counter to write into audit_log.</summary>
    public const string AuditTopic = "logs-audit";

    /// <summary>Where the processor publishes; with processing on, the counter and the store read this topic.</summary>
    public const string ProcessedTopic = "logs-processed";

    /// <summary>Route on the aggregator that receives deliveries of <see cref="LogsTopic"/>.</summary>
    public const string LogsRoute = "/dapr/logs";

    /// <summary>Route on the aggregator that receives deliveries of <see cref="DeadLetterTopic"/>.</summary>
    public const string DeadLetterRoute = "/dapr/dead-letters";

    /// <summary>Route on the aggregator (counter) that receives deliveries of <see cref="AuditTopic"/>.</summary>
    public const string AuditRoute = "/dapr/audit";

    public const string PostgresSchema = "logdapr";

    public const int IngestPort = 8080;

    /// <summary>Ingest's OTLP/gRPC port (Ingest:OtlpGrpcPort), the OTLP default.</summary>
    public const int IngestOtlpGrpcPort = 4317;
    public const int AggregatorPort = 8081;
    public const int StorePort = 8082;
    public const int ProcessorPort = 8083;
    public const int RouterPort = 8084;
}
