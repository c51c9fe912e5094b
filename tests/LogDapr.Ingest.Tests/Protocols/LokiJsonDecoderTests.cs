using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using LogDapr.Ingest.Protocols.Loki;

namespace LogDapr.Ingest.Tests.Protocols;

public sealed class LokiJsonDecoderTests
{
    // The push example of Loki's HTTP API documentation (grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs).
    private const string DocumentationExample = """{"streams": [{"stream": {"foo": "bar2"}, "values": [["1570818238000000000", "fizzbuzz"]]}]}""";

    private const int MaxBytes = 1 << 20;

    private static JsonNode[] Lines(string body, string tenant = "acme")
    {
        var decoded = LokiJsonDecoder.Decode(Encoding.UTF8.GetBytes(body), tenant, MaxBytes);
        Assert.Null(decoded.Error);
        var lines = Encoding.UTF8.GetString(decoded.Ndjson.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(decoded.Entries, lines.Length);
        return lines;
    }

    [Fact]
    public void The_documentation_example_becomes_one_event_of_the_tenant_with_its_label_as_attribute()
    {
        var line = Assert.Single(Lines(DocumentationExample));

        Assert.Equal("acme", line["tenant_id"]!.GetValue<string>());
        Assert.Equal("2019-10-11T18:23:58.0000000+00:00", line["timestamp"]!.GetValue<string>());
        Assert.Equal("info", line["severity"]!.GetValue<string>());
        Assert.Equal("fizzbuzz", line["message"]!.GetValue<string>());
        Assert.Equal("bar2", line["attributes"]!["foo"]!.GetValue<string>());
        Assert.Null(line["service"]);
    }

    [Fact]
    public void Service_and_level_labels_map_by_the_documented_order_and_metadata_becomes_attributes()
    {
        var lines = Lines("""
            {"streams":[
              {"stream":{"job":"varlogs","app":"checkout","level":"warning","env":"prod"},
               "values":[["1","a",{"trace":"t1"}],["2","b"]]},
              {"stream":{"service_name":"api","service":"x","detected_level":"ERROR"},"values":[["3","c"]]},
              {"stream":{"level":"unknown"},"values":[["4","d"]]}]}
            """);

        Assert.Equal(4, lines.Length);
        Assert.Equal("checkout", lines[0]["service"]!.GetValue<string>());
        Assert.Equal("warn", lines[0]["severity"]!.GetValue<string>());
        Assert.Equal("varlogs", lines[0]["attributes"]!["job"]!.GetValue<string>());
        Assert.Equal("prod", lines[0]["attributes"]!["env"]!.GetValue<string>());
        Assert.Equal("t1", lines[0]["attributes"]!["trace"]!.GetValue<string>());
        Assert.Null(lines[0]["attributes"]!["app"]);
        Assert.Null(lines[0]["attributes"]!["level"]);
        Assert.Null(lines[1]["attributes"]!["trace"]);
        Assert.Equal("api", lines[2]["service"]!.GetValue<string>());
        Assert.Equal("error", lines[2]["severity"]!.GetValue<string>());
        Assert.Equal("x", lines[2]["attributes"]!["service"]!.GetValue<string>());
        Assert.Equal("info", lines[3]["severity"]!.GetValue<string>());
        Assert.Equal("unknown", lines[3]["attributes"]!["level"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"streams":{}}""")]
    [InlineData("""{"streams":[{"stream":{"a":1},"values":[]}]}""")]
    [InlineData("""{"streams":[{"stream":{},"values":[["1"]]}]}""")]
    [InlineData("""{"streams":[{"stream":{},"values":[[1,"x"]]}]}""")]
    [InlineData("""{"streams":[{"stream":{"service.name":"x"},"values":[["1","x"]]}]}""")]
    [InlineData("""{"streams":[{"stream":{"app":"x","app":"y"},"values":[["1","x"]]}]}""")]
    public void A_push_that_is_not_the_push_format_is_refused_with_a_reason(string body)
    {
        var decoded = LokiJsonDecoder.Decode(Encoding.UTF8.GetBytes(body), "acme", MaxBytes);

        Assert.Equal(400, decoded.Status);
        Assert.StartsWith("invalid", decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_push_whose_events_outgrow_the_bound_is_refused_as_too_large()
    {
        var labels = string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"l{i}\":\"{new string('v', 50)}\""));
        var body = $$"""{"streams":[{"stream":{{{labels}}},"values":[{{string.Join(",", Enumerable.Repeat("[\"1\",\"\"]", 200))}}]}]}""";

        var decoded = LokiJsonDecoder.Decode(Encoding.UTF8.GetBytes(body), "acme", body.Length * 4);

        Assert.Equal(413, decoded.Status);
        Assert.Contains("labels count once per entry", decoded.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"streams":[{"stream":{"app":"\ud800"},"values":[["1","x"]]}]}""")]
    [InlineData("""{"streams":[{"stream":{"app":"a"},"values":[["1","\udc00x"]]}]}""")]
    [InlineData("""{"streams":[{"stream":{"app":"a"},"values":[["1","x",{"k":"\ud800"}]]}]}""")]
    public void A_lone_surrogate_escape_is_refused_as_invalid_not_thrown(string body)
    {
        var decoded = LokiJsonDecoder.Decode(Encoding.UTF8.GetBytes(body), "acme", MaxBytes);

        Assert.Equal(400, decoded.Status);
        Assert.StartsWith("invalid push request", decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_entry_gets_an_id_that_a_retry_repeats_and_any_difference_changes()
    {
        string[] Ids(string values, string stream = "{\"app\":\"api\",\"env\":\"prod\"}", string tenant = "acme")
            => Lines($$"""{"streams":[{"stream":{{stream}},"values":[{{values}}]}]}""", tenant).Select(l => l["id"]!.GetValue<string>()).ToArray();

        const string Push = """["1570818238000000000","a",{"trace":"t1"}],["1570818238000000000","a",{"trace":"t1"}],["1570818238000000000","b"]""";
        var ids = Ids(Push);

        Assert.Equal(ids, Ids(Push));
        Assert.Equal(ids, Ids(Push, "{\"env\":\"prod\",\"app\":\"api\"}"));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(8, Guid.Parse(id).Version));
        Assert.NotEqual(ids[0], Ids("""["1570818238000000000","c",{"trace":"t1"}]""")[0]);
        Assert.NotEqual(ids[0], Ids("""["1570818238000000001","a",{"trace":"t1"}]""")[0]);
        Assert.NotEqual(ids[0], Ids("""["1570818238000000000","a",{"trace":"t2"}]""")[0]);
        Assert.NotEqual(ids[0], Ids(Push, "{\"app\":\"api\",\"env\":\"dev\"}")[0]);
        Assert.NotEqual(ids[0], Ids(Push, tenant: "other")[0]);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var decoded = LokiJsonDecoder.Decode(bytes, "acme", MaxBytes);
            Assert.True(decoded.Status == 204 ^ decoded.Error is not null);
        });
    }
}
