using System.Text.Json;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;

namespace LogDapr.Aggregator.Tests.Subscriptions;

public class SubscriptionCatalogTests
{
    [Fact]
    public void Declares_bulk_logs_subscription_with_dead_letter_topic_the_dead_letter_and_the_audit_subscriptions()
    {
        var json = JsonSerializer.Serialize(SubscriptionCatalog.Build(new PipelineOptions(), new AggregatorOptions { BulkMaxMessages = 250, BulkMaxAwaitMilliseconds = 700 }));
        var subscriptions = JsonDocument.Parse(json).RootElement;

        Assert.Equal(3, subscriptions.GetArrayLength());
        var logs = subscriptions[0];
        Assert.Equal(PipelineDefaults.PubSubComponent, logs.GetProperty("pubsubname").GetString());
        Assert.Equal(PipelineDefaults.LogsTopic, logs.GetProperty("topic").GetString());
        Assert.Equal(PipelineDefaults.LogsRoute, logs.GetProperty("route").GetString());
        Assert.Equal(PipelineDefaults.DeadLetterTopic, logs.GetProperty("deadLetterTopic").GetString());
        Assert.True(logs.GetProperty("bulkSubscribe").GetProperty("enabled").GetBoolean());
        Assert.Equal(250, logs.GetProperty("bulkSubscribe").GetProperty("maxMessagesCount").GetInt32());
        Assert.Equal(700, logs.GetProperty("bulkSubscribe").GetProperty("maxAwaitDurationMs").GetInt32());
        Assert.Equal(PipelineDefaults.DeadLetterTopic, subscriptions[1].GetProperty("topic").GetString());
        Assert.False(subscriptions[1].TryGetProperty("deadLetterTopic", out _));
        // Ingest's audit records: one at a time (a few per minute at most), and never dead-lettered.
        Assert.Equal(PipelineDefaults.AuditTopic, subscriptions[2].GetProperty("topic").GetString());
        Assert.Equal(PipelineDefaults.AuditRoute, subscriptions[2].GetProperty("route").GetString());
        Assert.False(subscriptions[2].TryGetProperty("deadLetterTopic", out _));
        Assert.False(subscriptions[2].TryGetProperty("bulkSubscribe", out _));
    }

    [Fact]
    public void The_processor_subscribes_without_a_dead_letter_topic_so_daprd_never_forwards_a_raw_unredacted_message()
    {
        var json = JsonSerializer.Serialize(SubscriptionCatalog.Build(new PipelineOptions(), new AggregatorOptions { Role = AggregatorRole.Processor }));
        var subscriptions = JsonDocument.Parse(json).RootElement;

        var logs = Assert.Single(subscriptions.EnumerateArray());
        Assert.Equal(PipelineDefaults.LogsTopic, logs.GetProperty("topic").GetString());
        Assert.False(logs.TryGetProperty("deadLetterTopic", out _));
    }

    [Fact]
    public void Declares_nothing_when_subscription_resources_do()
        => Assert.Empty(SubscriptionCatalog.Build(new PipelineOptions(), new AggregatorOptions { DeclarativeSubscriptions = true }));
}
