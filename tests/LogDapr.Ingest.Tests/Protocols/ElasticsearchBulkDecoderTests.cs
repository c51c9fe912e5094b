using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.Protocols.Elasticsearch;
using LogDapr.Ingest.Publishing;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>Bulk bodies transcoded to LogEvent NDJSON and read by the shared reader and field mapping, as the intake reads them.</summary>
public sealed class ElasticsearchBulkDecoderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly LogEventReader Reader = new(LogEventLimits.Default);

    private static BulkRequest Decode(string body, string? urlIndex = null, int maxItems = 100)
        => BulkDecoder.Decode(Encoding.UTF8.GetBytes(body), urlIndex, FieldMapping.Default, maxItems);

    private static ParseResult Read(BulkRequest bulk, string? defaultTenant = "acme")
        => Reader.Read(bulk.Ndjson, PayloadFormat.Ndjson, Now, defaultTenant: defaultTenant);

    private static string Ts => Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_filebeat_ecs_document_maps_timestamp_level_service_host_and_flattens_the_rest()
    {
        var bulk = Decode($$$"""
            {"create":{"_index":"filebeat-8.17.0"}}
            {"@timestamp":"{{{Ts}}}","message":"payment failed","log":{"level":"error","file":{"path":"/var/log/app.log"}},"service":{"name":"checkout"},"host":{"name":"node-1"},"ecs":{"version":"8.0.0"},"tags":["a","b"]}

            """);

        var parsed = Read(bulk);

        var e = Assert.Single(parsed.Accepted);
        Assert.Equal("checkout", e.Service);
        Assert.Equal(Severity.Error, e.Severity);
        Assert.Equal("payment failed", e.Message);
        Assert.Equal("node-1", e.Host);
        Assert.Equal("acme", e.TenantId);
        Assert.Equal(Now.UtcTicks / TimeSpan.TicksPerMillisecond, e.Timestamp.UtcTicks / TimeSpan.TicksPerMillisecond);
        Assert.Contains(new KeyValuePair<string, string>("log.file.path", "/var/log/app.log"), e.Attributes);
        Assert.Contains(new KeyValuePair<string, string>("ecs.version", "8.0.0"), e.Attributes);
        Assert.Contains(new KeyValuePair<string, string>("tags", """["a","b"]"""), e.Attributes);
        Assert.Equal("create", Assert.Single(bulk.Items).Action);
    }

    [Theory]
    [InlineData("fluent-bit", "fluent-bit", null)]
    [InlineData("logstash-2026.11.28", "logstash", null)]
    [InlineData("filebeat-8.17.0", "filebeat", null)]
    [InlineData("app-2026.11.28-000001", "app", null)]
    [InlineData("logs-checkout-acme", "checkout", "acme")]
    [InlineData("logs-nginx.access-default", "nginx.access", null)]
    [InlineData("logs-x", "logs-x", null)]
    public void The_index_names_the_service_and_a_data_stream_namespace_the_tenant(string index, string service, string? tenant)
        => Assert.Equal((service, tenant), IndexNames.Defaults(index));

    [Fact]
    public void The_index_gives_service_and_tenant_only_to_documents_without_their_own_and_severity_defaults_to_info()
    {
        var bulk = Decode("""
            {"index":{}}
            {"message":"a"}
            {"index":{"_index":"logs-billing-globex"}}
            {"message":"b","service.name":"own","tenant_id":"initech","level":"warn"}
            """, urlIndex: "logs-checkout-acme");

        var parsed = Read(bulk, defaultTenant: null);

        Assert.Equal(["checkout/acme/Info", "own/initech/Warn"], parsed.Accepted.Select(e => $"{e.Service}/{e.TenantId}/{e.Severity}"));
        Assert.Equal(["logs-checkout-acme", "logs-billing-globex"], bulk.Items.Select(i => i.Index));
    }

    [Fact]
    public void An_id_becomes_a_deterministic_event_id_so_a_retried_bulk_makes_the_same_message_ids()
    {
        const string Body = """
            {"index":{"_index":"app","_id":"r-1"}}
            {"message":"a"}
            {"index":{"_index":"app","_id":7}}
            {"message":"b"}
            {"index":{"_index":"other","_id":"r-1"}}
            {"message":"c"}
            """;

        var first = Read(Decode(Body)).Accepted;
        var retry = Read(Decode(Body)).Accepted;

        Assert.Equal(first.Select(e => e.Id), retry.Select(e => e.Id));
        Assert.Equal(3, first.Select(e => e.Id).Distinct().Count());
        Assert.All(first, e => Assert.False(e.IdGenerated));
        Assert.Equal(DocumentIds.For("app", "r-1"), first[0].Id);
        Assert.Same(MessageIdScheme.EventIds, MessageIdScheme.Choose(null, EncodedEvents.From(first)));
        Assert.Equal(MessageIds.ForEvents(EncodedEvents.From(first), 0, 3), MessageIds.ForEvents(EncodedEvents.From(retry), 0, 3));
    }

    [Fact]
    public void Without_ids_the_events_get_generated_ids_as_elasticsearch_generates_them()
    {
        var parsed = Read(Decode("{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"a\"}\n"));

        Assert.True(Assert.Single(parsed.Accepted).IdGenerated);
    }

    [Fact]
    public void Delete_and_update_are_item_errors_and_the_items_around_them_are_kept()
    {
        var bulk = Decode("""
            {"index":{"_index":"app"}}
            {"message":"a"}
            {"delete":{"_index":"app","_id":"1"}}
            {"update":{"_index":"app","_id":"2"}}
            {"doc":{"message":"x"}}
            {"create":{"_index":"app"}}
            {"message":"b"}
            """);

        Assert.Equal(["index", "delete", "update", "create"], bulk.Items.Select(i => i.Action));
        Assert.Equal([null, "illegal_argument_exception", "illegal_argument_exception", null], bulk.Items.Select(i => i.Error?.Type));
        Assert.Equal([0, -1, -1, 1], bulk.Items.Select(i => i.Line));
        Assert.Equal(2, Read(bulk).Accepted.Count);
    }

    [Theory]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n\"just a string\"\n", "document_parsing_exception", "must be a JSON object")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n[1,2]\n", "document_parsing_exception", "must be a JSON object")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n{\"message\":\n", "document_parsing_exception", "failed to parse")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n{\"a.b\":1,\"a\":{\"b\":2},\"message\":\"m\"}\n", "document_parsing_exception", "duplicate field [a.b]")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n", "action_request_validation_exception", "source is missing")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n   \n", "action_request_validation_exception", "source is missing")]
    [InlineData("{\"index\":{}}\n{\"message\":\"m\"}\n", "action_request_validation_exception", "index is missing")]
    [InlineData("{\"index\":{\"_index\":\"App\"}}\n{\"message\":\"m\"}\n", "invalid_index_name_exception", "must be lowercase")]
    [InlineData("{\"index\":{\"_index\":\"_app\"}}\n{\"message\":\"m\"}\n", "invalid_index_name_exception", "must not start with")]
    [InlineData("{\"index\":{\"_index\":\"a*b\"}}\n{\"message\":\"m\"}\n", "invalid_index_name_exception", "must not contain")]
    [InlineData("{\"index\":{\"_index\":\"app\",\"_id\":\"\"}}\n{\"message\":\"m\"}\n", "action_request_validation_exception", "must not be empty")]
    public void Each_bad_item_is_its_own_error(string body, string type, string reason)
    {
        var item = Assert.Single(Decode(body).Items);

        Assert.Equal(400, item.Error!.Status);
        Assert.Equal(type, item.Error.Type);
        Assert.Contains(reason, item.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_longer_than_512_bytes_is_an_item_error_and_one_within_it_gets_a_36_character_event_id()
    {
        var tooLong = Decode($"{{\"index\":{{\"_index\":\"app\",\"_id\":\"{new string('x', 513)}\"}}}}\n{{\"message\":\"m\"}}\n");
        var longest = Decode($"{{\"index\":{{\"_index\":\"app\",\"_id\":\"{new string('x', 512)}\"}}}}\n{{\"message\":\"m\"}}\n");

        Assert.Contains("too long", Assert.Single(tooLong.Items).Error!.Reason, StringComparison.Ordinal);
        Assert.Equal(36, Assert.Single(Read(longest).Accepted).Id.Length);
    }

    [Theory]
    [InlineData("not json\n{\"message\":\"m\"}\n", "Malformed action/metadata line [1]")]
    [InlineData("{\"message\":\"m\"}\n", "expected field [create], [delete], [index] or [update] but found [message]")]
    [InlineData("{\"index\":\"app\"}\n{\"message\":\"m\"}\n", "expected START_OBJECT after [index]")]
    [InlineData("{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"m\"}\n[]\n", "Malformed action/metadata line [3]")]
    [InlineData("{\"index\":{\"_index\":{}}}\n{\"message\":\"m\"}\n", "[_index] must be a string")]
    [InlineData("{\"index\":{},\"create\":{}}\n{\"message\":\"m\"}\n", "one action object with one action")]
    [InlineData("{}\n", "found [END_OBJECT]")]
    public void A_malformed_action_line_refuses_the_whole_bulk_as_elasticsearch_does(string body, string reason)
    {
        var bulk = Decode(body);

        Assert.Equal(400, bulk.Error!.Status);
        Assert.Equal("illegal_argument_exception", bulk.Error.Type);
        Assert.Contains(reason, bulk.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_bulk_and_one_over_the_item_limit_are_refused_whole()
    {
        Assert.Equal("action_request_validation_exception", Decode("\n\n").Error!.Type);
        var tooMany = Decode("{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"m\"}\n{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"m\"}\n", maxItems: 1);
        Assert.Equal(413, tooMany.Error!.Status);
    }

    [Fact]
    public void Unknown_metadata_such_as_type_and_routing_is_ignored_and_crlf_lines_are_read()
    {
        var bulk = Decode("{\"index\":{\"_index\":\"app\",\"_type\":\"_doc\",\"routing\":\"r\",\"pipeline\":\"p\"}}\r\n{\"message\":\"m\"}\r\n");

        Assert.Single(Read(bulk).Accepted);
    }

    [Fact]
    public void A_document_without_a_message_is_rejected_by_the_shared_reader_naming_the_field()
    {
        var parsed = Read(Decode("{\"index\":{\"_index\":\"app\"}}\n{\"log\":\"no message field\"}\n"));

        Assert.Contains(Assert.Single(parsed.Rejected).Errors, e => e.Field == "message");
    }
}
