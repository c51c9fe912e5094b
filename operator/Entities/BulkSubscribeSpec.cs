using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.Schema;

namespace LogDapr.Operator.Entities;

[Description("Bulk subscribe: Dapr hands the aggregator up to maxMessagesCount messages at once, waiting at most maxAwaitDurationMs to fill a batch.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class BulkSubscribeSpec
{
    [Description("Most messages per delivery.")]
    [Range(1, 10_000)]
    public int MaxMessagesCount { get; set; } = 100;

    [Description("Longest wait for a batch to fill, in milliseconds.")]
    [Range(1, 60_000)]
    public int MaxAwaitDurationMs { get; set; } = 500;
}
