using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.PubSub.Journal;

namespace LogDapr.DevSidecar.Tests.Unit;

public class CloudEventBuilderTests
{
    private static readonly Dictionary<string, string> NoMetadata = new();

    private static JsonObject Parse(OutgoingMessage m) => JsonNode.Parse(m.Payload.Span)!.AsObject();

    [Fact]
    public void Wraps_json_data_in_a_dapr_cloud_event()
    {
        var ce = Parse(CloudEventBuilder.Build("ps", "logs", Encoding.UTF8.GetBytes("""{"n":1}"""), "application/json", NoMetadata, "ingest"));

        Assert.True(Guid.TryParse((string?)ce["id"], out _));
        Assert.Equal("1.0", (string?)ce["specversion"]);
        Assert.Equal("com.dapr.event.sent", (string?)ce["type"]);
        Assert.Equal("ingest", (string?)ce["source"]);
        Assert.Equal("application/json", (string?)ce["datacontenttype"]);
        Assert.Equal("logs", (string?)ce["topic"]);
        Assert.Equal("ps", (string?)ce["pubsubname"]);
        Assert.NotNull(ce["time"]);
        Assert.Equal(1, (int)ce["data"]!["n"]!);
    }

    [Fact]
    public void Text_becomes_a_string_and_octet_stream_data_base64()
    {
        var text = Parse(CloudEventBuilder.Build("ps", "t", Encoding.UTF8.GetBytes("hello"), "text/plain", NoMetadata, "a"));
        Assert.Equal("hello", (string?)text["data"]);

        var bin = Parse(CloudEventBuilder.Build("ps", "t", new byte[] { 1, 2, 3 }, "application/octet-stream", NoMetadata, "a"));
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), (string?)bin["data_base64"]);
        Assert.Null(bin["data"]);
    }

    [Fact]
    public void Metadata_overrides_id_type_and_source()
    {
        var metadata = new Dictionary<string, string> { ["cloudevent.id"] = "fixed", ["cloudevent.type"] = "my.type", ["CloudEvent.Source"] = "me" };
        var ce = Parse(CloudEventBuilder.Build("ps", "t", Encoding.UTF8.GetBytes("{}"), "application/json", metadata, "a"));
        Assert.Equal(("fixed", "my.type", "me"), ((string?)ce["id"], (string?)ce["type"], (string?)ce["source"]));
    }

    [Fact]
    public void Cloud_events_pass_through_with_topic_and_pubsub_set()
    {
        var original = """{"id":"abc","source":"src","type":"t1","specversion":"1.0","data":{"x":true},"topic":"other"}""";
        var ce = Parse(CloudEventBuilder.Build("ps", "logs", Encoding.UTF8.GetBytes(original), "application/cloudevents+json", NoMetadata, "a"));

        Assert.Equal("abc", (string?)ce["id"]);
        Assert.Equal("src", (string?)ce["source"]);
        Assert.Equal("t1", (string?)ce["type"]);
        Assert.Equal("logs", (string?)ce["topic"]);
        Assert.Equal("ps", (string?)ce["pubsubname"]);
        Assert.NotNull(ce["time"]);
        Assert.True((bool)ce["data"]!["x"]!);
    }

    [Fact]
    public void Raw_payload_is_stored_unwrapped()
    {
        var message = CloudEventBuilder.Build("ps", "t", Encoding.UTF8.GetBytes("raw!"), "text/plain", new Dictionary<string, string> { ["rawPayload"] = "true" }, "a");
        Assert.Equal(MessageFlags.RawPayload, message.Flags);
        Assert.Equal("raw!", Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public void Invalid_raw_payload_flag_and_invalid_cloud_event_are_invalid_argument()
    {
        var bad = Assert.Throws<DaprApiException>(() => CloudEventBuilder.Build("ps", "t", "x"u8.ToArray(), "text/plain", new Dictionary<string, string> { ["rawPayload"] = "maybe" }, "a"));
        Assert.Equal(StatusCode.InvalidArgument, bad.GrpcCode);

        var notCe = Assert.Throws<DaprApiException>(() => CloudEventBuilder.Build("ps", "t", "not json"u8.ToArray(), "application/cloudevents+json", NoMetadata, "a"));
        Assert.Equal(StatusCode.InvalidArgument, notCe.GrpcCode);
    }

    [Fact]
    public void Ttl_sets_expiration()
    {
        var ce = Parse(CloudEventBuilder.Build("ps", "t", "{}"u8.ToArray(), "application/json", new Dictionary<string, string> { ["ttlInSeconds"] = "60" }, "a"));
        Assert.True(DateTimeOffset.Parse((string)ce["expiration"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }
}
