using System.Globalization;
using LogDapr.Operator.DaprResources;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The Dapr Resiliency of a pipeline: inbound retry + timeout on the pub/sub (exhausted retries send the message
/// to the subscription's dead-letter topic) and outbound timeout, retry and circuit breaker on the Postgres
/// binding. Only the fields of Dapr's Resiliency CRD are used (policy, duration, maxInterval, maxRetries):
/// anything else would be pruned by the API server.
/// </summary>
internal static class ResiliencyRenderer
{
    private const string DeliveryPolicy = "delivery";
    private const string SinkPolicy = "sink";

    public static DaprResiliency Render(LogPipeline pipeline, ResourceNames names)
    {
        var spec = pipeline.Spec.Resiliency;
        var deliveryRetry = spec.Delivery.Policy == RetryPolicyKind.Constant
            ? new DaprRetryPolicy { Policy = "constant", Duration = GoDuration.FromMilliseconds(spec.Delivery.IntervalMilliseconds), MaxRetries = 0 }
            : new DaprRetryPolicy { Policy = "exponential", MaxInterval = GoDuration.FromMilliseconds(spec.Delivery.MaxIntervalMilliseconds), MaxRetries = 0 };
        // maxDeliveryAttempts counts the first delivery too; 0 means unlimited, which Dapr spells -1.
        deliveryRetry.MaxRetries = pipeline.Spec.DeadLetter.MaxDeliveryAttempts == 0 ? -1 : pipeline.Spec.DeadLetter.MaxDeliveryAttempts - 1;

        var breaker = spec.Sink.CircuitBreaker;
        return new DaprResiliency
        {
            Metadata = ObjectMetadata.For(pipeline, names.Resiliency, "resiliency"),
            Spec = new DaprResiliencySpec
            {
                Policies = new DaprResiliencyPolicies
                {
                    Timeouts = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        [DeliveryPolicy] = GoDuration.FromSeconds(spec.Delivery.TimeoutSeconds),
                        [SinkPolicy] = GoDuration.FromSeconds(spec.Sink.TimeoutSeconds),
                    },
                    Retries = new Dictionary<string, DaprRetryPolicy>(StringComparer.Ordinal)
                    {
                        [DeliveryPolicy] = deliveryRetry,
                        [SinkPolicy] = new DaprRetryPolicy
                        {
                            Policy = "constant",
                            Duration = GoDuration.FromMilliseconds(spec.Sink.RetryIntervalMilliseconds),
                            MaxRetries = spec.Sink.MaxRetries,
                        },
                    },
                    CircuitBreakers = new Dictionary<string, DaprCircuitBreaker>(StringComparer.Ordinal)
                    {
                        [SinkPolicy] = new DaprCircuitBreaker
                        {
                            MaxRequests = breaker.HalfOpenMaxRequests,
                            Interval = "0s",
                            Timeout = GoDuration.FromSeconds(breaker.OpenSeconds),
                            Trip = "consecutiveFailures >= " + breaker.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture),
                        },
                    },
                },
                Targets = new DaprResiliencyTargets { Components = Targets(pipeline, names) },
            },
            // The store reads the same topic and writes through the same binding, so it gets the same policies.
            // The processor takes deliveries and reads Postgres (enrichment) as the aggregator does: the same policies.
            Scopes =
            [
                names.AggregatorAppId,
                .. pipeline.Spec.Storage.Enabled ? [names.StoreAppId] : Array.Empty<string>(),
                .. ProcessingSpec.IsOn(pipeline.Spec) ? [names.ProcessorAppId] : Array.Empty<string>(),
                // The router takes deliveries and writes route dead letters through the binding. Its route bindings
                // are not targets: the router retries each call itself (Routing:MaxAttempts), daprd retries would
                // multiply the attempts.
                .. pipeline.Spec.Routes is not null ? [names.RouterAppId] : Array.Empty<string>(),
            ],
        };
    }

    /// <summary>Inbound delivery policy on every component a Subscription reads through; the sink policy on the binding.</summary>
    private static Dictionary<string, DaprComponentTarget> Targets(LogPipeline pipeline, ResourceNames names)
    {
        var targets = new Dictionary<string, DaprComponentTarget>(StringComparer.Ordinal);
        foreach (var component in new[] { pipeline.Spec.PubSub.Topic, pipeline.Spec.DeadLetter.Topic, PipelineTopics.Audit(pipeline.Spec) }.Select(t => ComponentRenderer.SubscriptionPubSub(pipeline, names, t)).Distinct())
        {
            targets[component] = new DaprComponentTarget { Inbound = new DaprPolicyReferences { Timeout = DeliveryPolicy, Retry = DeliveryPolicy } };
        }
        targets[names.PostgresBindingComponent] = new DaprComponentTarget
        {
            Outbound = new DaprPolicyReferences { Timeout = SinkPolicy, Retry = SinkPolicy, CircuitBreaker = SinkPolicy },
        };
        return targets;
    }
}
