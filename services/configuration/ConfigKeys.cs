using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Processing;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;

namespace LogDapr.Configuration;

/// <summary>
/// Configuration keys the services read (ASP.NET Core configuration paths), built from the options types' sections
/// and property names so a renamed setting fails to compile here rather than silently in a deployment. As
/// environment variables the ':' becomes "__" (<see cref="EnvironmentName"/>), e.g. <c>Pipeline__PubSubName</c>.
/// </summary>
public static class ConfigKeys
{
    public const string PipelineSection = PipelineOptions.Section;
    public const string PubSubName = PipelineSection + ":" + nameof(PipelineOptions.PubSubName);
    public const string Topic = PipelineSection + ":" + nameof(PipelineOptions.Topic);
    public const string DeadLetterTopic = PipelineSection + ":" + nameof(PipelineOptions.DeadLetterTopic);
    public const string ReplayTopic = PipelineSection + ":" + nameof(PipelineOptions.ReplayTopic);
    public const string StateStoreName = PipelineSection + ":" + nameof(PipelineOptions.StateStoreName);
    public const string BindingName = PipelineSection + ":" + nameof(PipelineOptions.BindingName);

    public const string IngestSection = IngestOptions.Section;
    public const string IngestMaxBodyBytes = IngestSection + ":" + nameof(IngestOptions.MaxBodyBytes);
    public const string IngestPublishTimeout = IngestSection + ":" + nameof(IngestOptions.PublishTimeout);
    public const string IngestOtlpGrpcPort = IngestSection + ":" + nameof(IngestOptions.OtlpGrpcPort);

    /// <summary>The processing rules document whose mapping section ingest applies (the pipeline's own aliases).</summary>
    public const string IngestFieldMappingFile = IngestSection + ":" + nameof(FieldMappingOptions.FieldMappingFile);
    public const string IngestFieldMappingReloadInterval = IngestSection + ":" + nameof(FieldMappingOptions.FieldMappingReloadInterval);

    // The per-event limits in the same section bind to the wire contract's LogEventLimits.
    public const string IngestMaxEventsPerBatch = IngestSection + ":" + nameof(LogEventLimits.MaxEventsPerBatch);
    public const string IngestMaxMessageBytes = IngestSection + ":" + nameof(LogEventLimits.MaxMessageBytes);
    public const string IngestMaxAttributes = IngestSection + ":" + nameof(LogEventLimits.MaxAttributes);

    public const string AggregatorSection = AggregatorOptions.Section;
    public const string AggregatorRole = AggregatorSection + ":" + nameof(AggregatorOptions.Role);
    public const string AggregatorBucketWidth = AggregatorSection + ":" + nameof(AggregatorOptions.BucketWidth);
    public const string AggregatorBulkMaxMessages = AggregatorSection + ":" + nameof(AggregatorOptions.BulkMaxMessages);
    public const string AggregatorBulkMaxAwaitMilliseconds = AggregatorSection + ":" + nameof(AggregatorOptions.BulkMaxAwaitMilliseconds);

    /// <summary>When true the aggregator declares no programmatic subscriptions (a Dapr Subscription resource does).</summary>
    public const string AggregatorDeclarativeSubscriptions = AggregatorSection + ":" + nameof(AggregatorOptions.DeclarativeSubscriptions);

    public const string PostgresSection = PostgresOptions.Section;

    /// <summary>Npgsql connection string for migrations and the query API (reads); writes go through the binding.</summary>
    public const string PostgresConnectionString = PostgresSection + ":" + nameof(PostgresOptions.ConnectionString);
    public const string PostgresSchema = PostgresSection + ":" + nameof(PostgresOptions.Schema);
    public const string PostgresDedupRetentionDays = PostgresSection + ":" + nameof(PostgresOptions.DedupRetentionDays);

    public const string StoreSection = StoreOptions.Section;
    public const string StoreCursorKey = StoreSection + ":" + nameof(StoreOptions.CursorKey);
    public const string StoreRetention = StoreSection + ":" + nameof(StoreOptions.Retention);
    public const string StoreRetentionEventsDays = StoreRetention + ":" + nameof(StoreRetentionOptions.EventsDays);
    public const string StoreRetentionCountsDays = StoreRetention + ":" + nameof(StoreRetentionOptions.CountsDays);
    public const string StoreRetentionDeadLettersDays = StoreRetention + ":" + nameof(StoreRetentionOptions.DeadLettersDays);
    public const string StoreRetentionTenants = StoreRetention + ":" + nameof(StoreRetentionOptions.Tenants);
    public const string StoreArchive = StoreSection + ":" + nameof(StoreOptions.Archive);
    public const string StoreArchiveEnabled = StoreArchive + ":" + nameof(StoreArchiveOptions.Enabled);
    public const string StoreArchiveBindingName = StoreArchive + ":" + nameof(StoreArchiveOptions.BindingName);

    public const string ProcessingSection = ProcessingOptions.Section;
    public const string ProcessingRulesFile = ProcessingSection + ":" + nameof(ProcessingOptions.RulesFile);
    public const string ProcessingOutputTopic = ProcessingSection + ":" + nameof(ProcessingOptions.OutputTopic);
    public const string ProcessingHashKey = ProcessingSection + ":" + nameof(ProcessingOptions.HashKey);
    public const string ProcessingReloadInterval = ProcessingSection + ":" + nameof(ProcessingOptions.ReloadInterval);

    public const string RoutingSection = Routing.RoutingOptions.Section;
    public const string RoutingRoutesFile = RoutingSection + ":" + nameof(Routing.RoutingOptions.RoutesFile);

    /// <summary>Standard Dapr SDK variables, set by the sidecar injector, <c>dapr run</c> or the local runner.</summary>
    public const string DaprHttpPortEnv = "DAPR_HTTP_PORT";
    public const string DaprGrpcPortEnv = "DAPR_GRPC_PORT";

    /// <summary>ASP.NET Core listen addresses; the services bind here.</summary>
    public const string Urls = "ASPNETCORE_URLS";

    /// <summary>The environment variable ASP.NET Core configuration reads a key from (':' becomes "__").</summary>
    public static string EnvironmentName(string configKey) => configKey.Replace(":", "__", StringComparison.Ordinal);
}
