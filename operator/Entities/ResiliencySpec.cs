using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

[Description("Retry, timeout and circuit-breaker policies (a Dapr Resiliency scoped to the aggregator).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ResiliencySpec
{
    [Description("Deliveries from the pub/sub to the aggregator (inbound). The retry count comes from deadLetter.maxDeliveryAttempts.")]
    public DeliveryResiliencySpec Delivery { get; set; } = new();

    [Description("Calls from the aggregator to the Postgres binding (outbound).")]
    public SinkResiliencySpec Sink { get; set; } = new();
}

