using System.Globalization;
using System.Text.Json.Nodes;
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

    public static JsonObject Render(LogPipeline pipeline, ResourceNames names)
    {
        var spec = pipeline.Spec.Resiliency;
        var deliveryRetry = new JsonObject();
        if (spec.Delivery.Policy == RetryPolicyKind.Constant)
        {
            deliveryRetry["policy"] = "constant";
            deliveryRetry["duration"] = GoDuration.FromMilliseconds(spec.Delivery.IntervalMilliseconds);
        }
        else
        {
            deliveryRetry["policy"] = "exponential";
            deliveryRetry["maxInterval"] = GoDuration.FromMilliseconds(spec.Delivery.MaxIntervalMilliseconds);
        }
        // maxDeliveryAttempts counts the first delivery too; 0 means unlimited, which Dapr spells -1.
        deliveryRetry["maxRetries"] = pipeline.Spec.DeadLetter.MaxDeliveryAttempts == 0 ? -1 : pipeline.Spec.DeadLetter.MaxDeliveryAttempts - 1;

        var breaker = spec.Sink.CircuitBreaker;
        return new JsonObject
        {
            ["apiVersion"] = "dapr.io/v1alpha1",
            ["kind"] = "Resiliency",
            ["metadata"] = ObjectMetadata.Build(pipeline, names.Resiliency, "resiliency"),
            ["spec"] = new JsonObject
            {
                ["policies"] = new JsonObject
                {
                    ["timeouts"] = new JsonObject
                    {
                        [DeliveryPolicy] = GoDuration.FromSeconds(spec.Delivery.TimeoutSeconds),
                        [SinkPolicy] = GoDuration.FromSeconds(spec.Sink.TimeoutSeconds),
                    },
                    ["retries"] = new JsonObject
                    {
                        [DeliveryPolicy] = deliveryRetry,
                        [SinkPolicy] = new JsonObject
                        {
                            ["policy"] = "constant",
                            ["duration"] = GoDuration.FromMilliseconds(spec.Sink.RetryIntervalMilliseconds),
                            ["maxRetries"] = spec.Sink.MaxRetries,
                        },
                    },
                    ["circuitBreakers"] = new JsonObject
                    {
                        [SinkPolicy] = new JsonObject
                        {
                            ["maxRequests"] = breaker.HalfOpenMaxRequests,
                            ["interval"] = "0s",
                            ["timeout"] = GoDuration.FromSeconds(breaker.OpenSeconds),
                            ["trip"] = "consecutiveFailures >= " + breaker.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture),
                        },
                    },
                },
                ["targets"] = new JsonObject
                {
                    ["components"] = Targets(pipeline, names),
                },
            },
            ["scopes"] = new JsonArray(names.AggregatorAppId),
        };
    }

    /// <summary>Inbound delivery policy on every component a Subscription reads through; the sink policy on the binding.</summary>
    private static JsonObject Targets(LogPipeline pipeline, ResourceNames names)
    {
        var targets = new JsonObject();
        foreach (var component in new[] { pipeline.Spec.PubSub.Topic, pipeline.Spec.DeadLetter.Topic }.Select(t => ComponentRenderer.SubscriptionPubSub(pipeline, names, t)).Distinct())
        {
            targets[component] = new JsonObject
            {
                ["inbound"] = new JsonObject { ["timeout"] = DeliveryPolicy, ["retry"] = DeliveryPolicy },
            };
        }
        targets[names.PostgresBindingComponent] = new JsonObject
        {
            ["outbound"] = new JsonObject { ["timeout"] = SinkPolicy, ["retry"] = SinkPolicy, ["circuitBreaker"] = SinkPolicy },
        };
        return targets;
    }
}
