namespace LogDapr.Operator.Rendering;

/// <summary>
/// Names of everything rendered for a LogPipeline, derived from its name so that several pipelines can share a
/// namespace. The Dapr app ids double as Deployment and Service names.
/// </summary>
public sealed record ResourceNames(string Pipeline)
{
    public string IngestAppId => $"{Pipeline}-ingest";
    public string AggregatorAppId => $"{Pipeline}-aggregator";

    public string PubSubComponent => $"{Pipeline}-pubsub";

    /// <summary>JetStream only: the component the dead-letter topic is consumed through (its own durable consumer).</summary>
    public string DeadLetterPubSubComponent => $"{Pipeline}-pubsub-dlq";
    public string StateStoreComponent => $"{Pipeline}-state";
    public string PostgresBindingComponent => $"{Pipeline}-postgres";

    public string LogsSubscription => $"{Pipeline}-logs";
    public string DeadLetterSubscription => $"{Pipeline}-dead-letters";
    public string Resiliency => $"{Pipeline}-resiliency";

    /// <summary>The Secret with the aggregator's Dapr app token that the operator creates when the spec names none.</summary>
    public string AppTokenSecret => $"{Pipeline}-app-token";

    public string IngestDeployment => IngestAppId;
    public string AggregatorDeployment => AggregatorAppId;
    public string IngestService => IngestAppId;
    public string AggregatorService => AggregatorAppId;
    public string IngestDisruptionBudget => IngestAppId;
    public string AggregatorDisruptionBudget => AggregatorAppId;

    /// <summary>The HorizontalPodAutoscalers, or the aggregator's KEDA ScaledObject: named after the Deployment they scale.</summary>
    public string IngestAutoscaler => IngestAppId;
    public string AggregatorAutoscaler => AggregatorAppId;

    /// <summary>The KEDA TriggerAuthentication with the broker credentials of the aggregator's backlog scaler.</summary>
    public string AggregatorTriggerAuthentication => $"{AggregatorAppId}-keda";
}
