using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Bulk subscribe: Dapr hands the aggregator up to maxMessagesCount messages at once, waiting at most maxAwaitDurationMs to fill a batch. Kafka delivers batches natively; on Redis and JetStream daprd builds each batch from the messages the component is processing at that moment, so the operator sets the broker's concurrency to fill a batch (pubsub.redis.concurrency, pubsub.jetstream.maxAckPending).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class BulkSubscribeSpec
{
    [Description("Deliver in batches. Off: one message per delivery, which needs no broker concurrency to fill batches but costs one HTTP call per message.")]
    public bool Enabled { get; set; } = true;

    [Description("Most messages per delivery.")]
    [Range(1, 10_000)]
    public int MaxMessagesCount { get; set; } = 100;

    [Description("Longest wait for a batch to fill, in milliseconds.")]
    [Range(1, 60_000)]
    public int MaxAwaitDurationMs { get; set; } = 500;
}
