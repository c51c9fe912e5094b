namespace LogDapr.Operator.Rendering;

/// <summary>
/// Names of everything rendered for a LogPipeline, derived from its name so that several pipelines can share a
/// namespace. The Dapr app ids double as Deployment and Service names.
/// </summary>
public sealed record ResourceNames(string Pipeline)
{
    public string IngestAppId => $"{Pipeline}-ingest";
    public string AggregatorAppId => $"{Pipeline}-aggregator";

    /// <summary>The store role of the aggregator binary; also its consumer group on the logs topic.</summary>
    public string StoreAppId => $"{Pipeline}-store";

    /// <summary>The processor role (spec.processing); also its consumer group on the raw topic.</summary>
    public string ProcessorAppId => $"{Pipeline}-processor";

    /// <summary>The router role (spec.routes); also its consumer group on the topic the aggregator reads.</summary>
    public string RouterAppId => $"{Pipeline}-router";

    /// <summary>The router's subscription to the topic the aggregator reads.</summary>
    public string RouterLogsSubscription => $"{Pipeline}-router-logs";

    /// <summary>The ConfigMap with the routes document (key routes.yaml) the router reads.</summary>
    public string RoutesConfigMap => $"{Pipeline}-routes";

    /// <summary>The output binding component of spec.routes.bindings[] <paramref name="binding"/>, loaded by the router only.</summary>
    public string RouteBindingComponent(string binding) => $"{Pipeline}-route-{binding}";

    public string RouterDeployment => RouterAppId;
    public string RouterService => RouterAppId;
    public string RouterDisruptionBudget => RouterAppId;

    public string PubSubComponent => $"{Pipeline}-pubsub";

    /// <summary>JetStream only: the component the dead-letter topic is consumed through (its own durable consumer).</summary>
    public string DeadLetterPubSubComponent => $"{Pipeline}-pubsub-dlq";
    public string AuditPubSubComponent => $"{Pipeline}-pubsub-audit";
    public string StateStoreComponent => $"{Pipeline}-state";
    public string PostgresBindingComponent => $"{Pipeline}-postgres";

    /// <summary>The object-store output binding the store archives through (only with spec.storage.archive).</summary>
    public string ArchiveBindingComponent => $"{Pipeline}-archive";

    public string LogsSubscription => $"{Pipeline}-logs";

    /// <summary>The store's subscription to the logs topic (same topic and route as the aggregator's, its own app id).</summary>
    public string StoreLogsSubscription => $"{Pipeline}-store-logs";
    /// <summary>The processor's subscription to the raw topic.</summary>
    public string ProcessorLogsSubscription => $"{Pipeline}-processor-logs";

    /// <summary>The ConfigMap with the processing rules (key processing.yaml) the processor reads.</summary>
    public string ProcessingConfigMap => $"{Pipeline}-processing";

    /// <summary>The Secret with the redaction hash key, created by the operator when the spec names none.</summary>
    public string RedactionKeySecret => $"{Pipeline}-redaction-key";

    public string DeadLetterSubscription => $"{Pipeline}-dead-letters";
    public string AuditSubscription => $"{Pipeline}-audit";
    public string Resiliency => $"{Pipeline}-resiliency";

    /// <summary>The Secret with the aggregator's Dapr app token that the operator creates when the spec names none.</summary>
    public string AppTokenSecret => $"{Pipeline}-app-token";

    /// <summary>The Secret with the key the store signs its search cursors with, created by the operator.</summary>
    public string CursorKeySecret => $"{Pipeline}-cursor-key";

    public string IngestDeployment => IngestAppId;
    public string AggregatorDeployment => AggregatorAppId;
    public string IngestService => IngestAppId;
    public string AggregatorService => AggregatorAppId;
    public string IngestDisruptionBudget => IngestAppId;
    public string AggregatorDisruptionBudget => AggregatorAppId;
    public string StoreDeployment => StoreAppId;
    public string StoreService => StoreAppId;
    public string StoreDisruptionBudget => StoreAppId;
    public string ProcessorDeployment => ProcessorAppId;
    public string ProcessorService => ProcessorAppId;
    public string ProcessorDisruptionBudget => ProcessorAppId;

    /// <summary>The HorizontalPodAutoscalers, or the aggregator's KEDA ScaledObject: named after the Deployment they scale.</summary>
    public string IngestAutoscaler => IngestAppId;
    public string AggregatorAutoscaler => AggregatorAppId;
    public string StoreAutoscaler => StoreAppId;
    public string ProcessorAutoscaler => ProcessorAppId;

    /// <summary>The KEDA TriggerAuthentication with the broker credentials of the aggregator's backlog scaler.</summary>
    public string AggregatorTriggerAuthentication => $"{AggregatorAppId}-keda";

    /// <summary>The KEDA TriggerAuthentication of the store's backlog scaler.</summary>
    public string StoreTriggerAuthentication => $"{StoreAppId}-keda";

    /// <summary>The KEDA TriggerAuthentication of the processor's backlog scaler.</summary>
    public string ProcessorTriggerAuthentication => $"{ProcessorAppId}-keda";
}
