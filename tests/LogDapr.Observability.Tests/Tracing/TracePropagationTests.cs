using System.Diagnostics;
using System.Net;
using System.Text;
using LogDapr.Observability.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Observability.Tests.Tracing;

/// <summary>
/// One trace from the ingest request to the Postgres binding call: ingest's server span, its publish span, the
/// aggregator's processing span (continuing the CloudEvent's traceparent) and the binding call as its child; and, for
/// a bulk delivery, one processing span linking every message's context.
/// </summary>
public sealed class TracePropagationTests(InProcessPipeline pipeline) : IClassFixture<InProcessPipeline>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Each check scrapes or scans everything recorded so far: not worth repeating more often than this.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task The_ingest_span_and_the_aggregator_span_are_in_one_trace_with_the_binding_call_as_a_child()
    {
        using var http = new HttpClient();
        var service = "traced-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await http.PostAsync(new Uri(pipeline.IngestUrl, "/v1/logs"), new StringContent(
            $"[{{\"tenant_id\":\"t\",\"service\":\"{service}\",\"severity\":\"info\",\"message\":\"a\"}},{{\"tenant_id\":\"t\",\"service\":\"{service}\",\"severity\":\"error\",\"message\":\"b\"}}]",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        Activity? server = null, publish = null, process = null, binding = null;
        await Eventually.TrueAsync(
            () =>
            {
                var spans = pipeline.AllSpans();
                server = spans.LastOrDefault(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/v1/logs");
                publish = server is null ? null : spans.FirstOrDefault(s => s.DisplayName == "publish logs" && s.TraceId == server.TraceId);
                process = server is null ? null : spans.FirstOrDefault(s => s.DisplayName == "process logs" && s.TraceId == server.TraceId);
                binding = process is null ? null : spans.FirstOrDefault(s => s.DisplayName == "exec logdapr-postgres" && s.ParentSpanId == process.SpanId);
                return Task.FromResult(binding is not null);
            },
            () => "no ingest -> publish -> process -> binding chain among: " + Describe(pipeline.AllSpans()) + Environment.NewLine + pipeline.Diagnostics(),
            Patience, Poll);

        Assert.Equal("LogDapr.Ingest", publish!.Source.Name);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(server!.SpanId, publish.ParentSpanId);
        Assert.Equal("logs", publish.GetTagItem("messaging.destination.name"));

        Assert.Equal("LogDapr.Aggregator", process!.Source.Name);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(server.TraceId, process.TraceId);

        Assert.Equal(ActivityKind.Client, binding!.Kind);
        Assert.Equal(server.TraceId, binding.TraceId);
        Assert.Equal("postgresql", binding.GetTagItem("db.system.name"));
        Assert.Equal(ActivityStatusCode.Unset, binding.Status);
        // Both events were new: the statement reported them as added.
        Assert.Equal(2L, binding.GetTagItem("db.response.returned_rows"));
    }

    [Fact]
    public async Task A_bulk_delivery_gets_one_span_that_links_every_messages_trace_and_parents_the_binding_call()
    {
        var first = ActivityContext.Parse($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", null);
        var second = ActivityContext.Parse($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", null);
        var body = $$"""
            {"id":"{{Guid.NewGuid()}}","pubsubname":"logdapr-pubsub","topic":"logs","type":"com.dapr.event.sent.bulk","metadata":{},
             "entries":[{{Entry("e1", first)}},{{Entry("e2", second)}}]}
            """;
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(pipeline.AggregatorUrl, "/dapr/logs"), new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, answer);
        Assert.DoesNotContain("RETRY", answer, StringComparison.Ordinal);

        Activity? process = null, binding = null;
        await Eventually.TrueAsync(
            () =>
            {
                var spans = pipeline.AllSpans();
                process = spans.FirstOrDefault(s => s.DisplayName == "process logs" && s.Links.Any(l => l.Context.TraceId == first.TraceId));
                binding = process is null ? null : spans.FirstOrDefault(s => s.DisplayName == "exec logdapr-postgres" && s.ParentSpanId == process.SpanId);
                return Task.FromResult(binding is not null);
            },
            () => "no linked process span with a binding child among: " + Describe(pipeline.AllSpans()),
            Patience, Poll);

        Assert.Equal(ActivityKind.Consumer, process!.Kind);
        var linked = process.Links.Select(l => l.Context).ToList();
        Assert.Equal(2, linked.Count);
        Assert.Contains(linked, c => c.TraceId == first.TraceId && c.SpanId == first.SpanId);
        Assert.Contains(linked, c => c.TraceId == second.TraceId && c.SpanId == second.SpanId);
        Assert.NotEqual(first.TraceId, process.TraceId);
        Assert.NotEqual(second.TraceId, process.TraceId);
        Assert.Equal(2, process.GetTagItem("messaging.batch.message_count"));
        var request = pipeline.AllSpans().Single(s => s.SpanId == process.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal(process.TraceId, binding!.TraceId);
    }

    private static string Entry(string entryId, ActivityContext context) => $$"""
        {"entryId":"{{entryId}}","contentType":"application/cloudevents+json","event":{
          "specversion":"1.0","id":"{{Guid.NewGuid()}}","source":"test","type":"io.logdapr.logbatch.v1","time":"{{DateTime.UtcNow:O}}",
          "datacontenttype":"application/json","traceparent":"00-{{context.TraceId}}-{{context.SpanId}}-01",
          "data":{"events":[{"tenant_id":"t","service":"bulk","severity":"warn","message":"m"}]}
          }
        }
        """;

    private static string Describe(IEnumerable<Activity> spans)
        => string.Join("; ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName}({s.Kind}) trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId}"));
}
