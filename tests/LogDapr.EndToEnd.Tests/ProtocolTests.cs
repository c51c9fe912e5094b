using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.EndToEnd.Tests.Support;
using Npgsql;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The shippers' protocols through the whole pipeline: what an OTLP/JSON exporter, a Loki JSON push and an Elasticsearch
/// bulk send is counted once, under the tenant, service and severity each protocol's documented mapping gives, next to
/// the JSON API's own events; the attributes each protocol carries are stored with the events. (The SDK's OTLP/protobuf
/// and OTLP/gRPC exporters run through the pipeline in <see cref="OtlpClientTests"/>; the other protocols' real clients
/// are exercised against ingest in LogDapr.Ingest.Tests.)
/// </summary>
public class ProtocolTests
{
    [Fact]
    public async Task Otlp_loki_and_elasticsearch_events_are_counted_once_under_their_mapped_tenant_service_and_severity_and_stored_with_their_attributes()
    {
        await using var pipeline = await TestPipeline.StartAsync("protocols");
        using var http = new HttpClient { BaseAddress = pipeline.Pipeline.IngestUrl, Timeout = TimeSpan.FromSeconds(30) };
        var now = DateTimeOffset.UtcNow;
        var nanos = ((now.ToUnixTimeMilliseconds() * 1_000_000) + 123).ToString(CultureInfo.InvariantCulture);

        // OTLP/JSON: resource service.name and logdapr.tenant_id, SeverityNumber 17 (error), a record attribute.
        var otlp = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"checkout"}},
                {"key":"logdapr.tenant_id","value":{"stringValue":"otel-co"}}]},
              "scopeLogs":[{"scope":{"name":"shop","version":"1.2"},"logRecords":[
                {"timeUnixNano":"{{{nanos}}}","severityNumber":17,"body":{"stringValue":"payment declined"},"attributes":[{"key":"order","value":{"stringValue":"o-1"}}]},
                {"timeUnixNano":"{{{nanos}}}","severityNumber":17,"body":{"stringValue":"payment declined again"}},
                {"timeUnixNano":"{{{nanos}}}","severityNumber":9,"body":{"stringValue":"retrying"}}]}]}]}
            """;
        await PostRetryingAsync(http, "/v1/logs", otlp, "application/json", null, HttpStatusCode.OK);

        // Loki JSON push: service_name and level labels, the tenant from X-Scope-OrgID, structured metadata; two identical
        // entries, two events.
        var loki = $$$"""
            {"streams":[{"stream":{"service_name":"gateway","level":"warn","cluster":"eu-1"},
              "values":[["{{{nanos}}}","upstream slow",{"route":"/pay"}],["{{{nanos}}}","upstream slow again"],["{{{nanos}}}","upstream slow again"]]}]}
            """;
        await PostRetryingAsync(http, "/loki/api/v1/push", loki, "application/json", ("X-Scope-OrgID", "loki-co"), HttpStatusCode.NoContent);

        // Elasticsearch bulk: logs-<dataset>-<namespace> names service and tenant; ECS log.level; _id makes the event id.
        var stamp = now.ToString("O", CultureInfo.InvariantCulture);
        var bulk = new StringBuilder();
        for (var i = 0; i < 4; i++)
        {
            bulk.Append($$$"""{"create":{"_index":"logs-billing-es.co","_id":"doc-{{{i}}}"}}""").Append('\n')
                .Append($$$"""{"@timestamp":"{{{stamp}}}","message":"invoice {{{i}}}","log":{"level":"{{{(i == 0 ? "error" : "info")}}}"},"labels":{"shard":"s{{{i}}}"}}""").Append('\n');
        }

        var esAnswer = await PostRetryingAsync(http, "/_bulk", bulk.ToString(), "application/x-ndjson", null, HttpStatusCode.OK);
        Assert.False(JsonNode.Parse(esAnswer)!["errors"]!.GetValue<bool>(), esAnswer);

        // The JSON API alongside.
        await pipeline.PostLogsRetryingAsync("""{"events":[{"id":"json-1","tenant_id":"json-co","service":"api","severity":"info","message":"ok"}]}""");

        await pipeline.AssertCountsSumAsync(3 + 3 + 4 + 1);
        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        var counts = await pipeline.CountsBySeriesAsync();
        Assert.Equal(
            [
                ("es.co/billing/error", 1L), ("es.co/billing/info", 3L), ("json-co/api/info", 1L), ("loki-co/gateway/warn", 3L),
                ("otel-co/checkout/error", 2L), ("otel-co/checkout/info", 1L),
            ],
            counts);

        Assert.Equal("o-1", await AttributeAsync(connection, "payment declined", "order"));
        Assert.Equal("shop", await AttributeAsync(connection, "payment declined", "otel.scope.name"));
        Assert.Equal("/pay", await AttributeAsync(connection, "upstream slow", "route"));
        Assert.Equal("eu-1", await AttributeAsync(connection, "upstream slow", "cluster"));
        Assert.Equal("s2", await AttributeAsync(connection, "invoice 2", "labels.shard"));

        // The same bulk again (a shipper's retry of a whole request): the _ids give the same events, counted once.
        await PostRetryingAsync(http, "/_bulk", bulk.ToString(), "application/x-ndjson", null, HttpStatusCode.OK);
        // The same Loki push again (Loki entries carry no ids; ingest derives them from the entry): counted once.
        await PostRetryingAsync(http, "/loki/api/v1/push", loki, "application/json", ("X-Scope-OrgID", "loki-co"), HttpStatusCode.NoContent);
        await pipeline.AssertCountsSumAsync(3 + 3 + 4 + 1);
    }

    /// <summary>A 503 (publish not confirmed in time on a loaded machine) retried unchanged, as the shippers do; asserts the final answer.</summary>
    private static async Task<string> PostRetryingAsync(HttpClient http, string path, string body, string contentType, (string Name, string Value)? header,
        HttpStatusCode expected)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            if (header is { } h)
            {
                request.Headers.Add(h.Name, h.Value);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10)
            {
                await Task.Delay(500);
                continue;
            }

            Assert.True(response.StatusCode == expected, $"{path} answered {response.StatusCode}: {text}");
            return text;
        }
    }

    private static async Task<string?> AttributeAsync(NpgsqlConnection connection, string message, string key)
    {
        await using var command = new NpgsqlCommand("SELECT attributes ->> $2 FROM logdapr.log_events WHERE message = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = message });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (string?)await command.ExecuteScalarAsync();
    }
}
