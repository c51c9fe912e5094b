using System.Text.Json.Nodes;
using LogDapr.Aggregator.DeadLetters;

namespace LogDapr.Aggregator.Tests.DeadLetters;

public class ReplayMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static DeadLetter Letter(string payload, string messageId = "m-1")
        => new(1, messageId, "logs", "reason", Now, Now, 1, 0, null, payload);

    [Fact]
    public void Keeps_the_message_id_and_drops_delivery_fields()
    {
        var letter = Letter("""{"specversion":"1.0","id":"m-1","source":"s","type":"t","topic":"logs-deadletter","pubsubname":"p","traceparent":"00-x","data":{"tenant_id":"a"}}""");

        var replay = JsonNode.Parse(ReplayMessage.Build(letter, null, Now, out var error)!)!;

        Assert.Null(error);
        Assert.Equal("m-1", replay["id"]!.GetValue<string>());
        Assert.Null(replay["topic"]);
        Assert.Null(replay["pubsubname"]);
        Assert.Null(replay["traceparent"]);
        Assert.Equal("a", replay["data"]!["tenant_id"]!.GetValue<string>());
    }

    [Fact]
    public void Corrected_data_replaces_data_and_data_base64()
    {
        var letter = Letter("""{"specversion":"1.0","id":"m-1","source":"s","type":"t","data_base64":"AAAA"}""");

        var replay = JsonNode.Parse(ReplayMessage.Build(letter, JsonNode.Parse("""{"tenant_id":"fixed"}"""), Now, out _)!)!;

        Assert.Null(replay["data_base64"]);
        Assert.Equal("fixed", replay["data"]!["tenant_id"]!.GetValue<string>());
        Assert.Equal("application/json", replay["datacontenttype"]!.GetValue<string>());
    }

    [Fact]
    public void A_payload_that_is_not_a_cloud_event_needs_corrected_data()
    {
        var letter = Letter("garbage", "sha256:abc");

        Assert.Null(ReplayMessage.Build(letter, null, Now, out var error));
        Assert.Contains("corrected data", error, StringComparison.Ordinal);

        var replay = JsonNode.Parse(ReplayMessage.Build(letter, JsonNode.Parse("{}"), Now, out _)!)!;
        Assert.Equal("sha256:abc", replay["id"]!.GetValue<string>());
        Assert.Equal("1.0", replay["specversion"]!.GetValue<string>());
    }
}
