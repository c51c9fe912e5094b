using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Dead-letter handling: a message the aggregator cannot process (poison) goes to topic at once, and so does one still failing after maxDeliveryAttempts; the aggregator stores them for inspection and replay.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class DeadLetterSpec
{
    [Description("Dead-letter topic.")]
    [Pattern(@"^[a-zA-Z0-9._-]+$")]
    [Length(1, 249)]
    public string Topic { get; set; } = PipelineDefaults.DeadLetterTopic;

    [Description("Deliveries of one message before it is dead-lettered (the first attempt plus retries). 0, the default, retries until delivered: the aggregator only asks for a retry while the sink is unavailable, so an outage pauses counting instead of dead-lettering the backlog.")]
    [Range(0, 100)]
    public int MaxDeliveryAttempts { get; set; }
}
