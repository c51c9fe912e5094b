using Google.Protobuf;
using System.Net;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>What an OTLP exporter must retry gets the retryable statuses with a delay; nothing else does.</summary>
public sealed class OtlpRetryTests(SidecarFixture sidecar, RedisFixture redis) : IClassFixture<SidecarFixture>, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Sidecar_down_is_a_503_with_Retry_After_and_an_unavailable_status()
    {
        using var down = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:DefaultTenant"] = "acme" });

        using var response = await down.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Request("api", null, OtlpRequests.Record("m"))));
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter!.ToString());
        Assert.Equal((int)Grpc.Core.StatusCode.Unavailable, status.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(status.Details).Unpack<RetryInfo>().RetryDelay.ToTimeSpan());
    }

    [Fact]
    public async Task An_export_whose_publish_was_not_confirmed_is_retried_and_publishes_the_same_ids_again()
    {
        // The broker stores each publish but confirms it after 4 s: past a 2 s publish bound, within a 10 s one (as in
        // ElasticsearchBulkRetryTests). The exporter's retry sends the same bytes.
        var chaos = new SidecarFixture(["--chaos-publish-ack-delay", "4s"]);
        await chaos.InitializeAsync();
        try
        {
            var settings = new Dictionary<string, string> { ["Ingest:DefaultTenant"] = "acme", ["Ingest:EventsPerMessage"] = "1" };
            using var impatient = new IngestFactory(chaos.GrpcPort, chaos.HttpPort, new Dictionary<string, string>(settings) { ["Ingest:PublishTimeout"] = "00:00:02" });
            using var patient = new IngestFactory(chaos.GrpcPort, chaos.HttpPort, new Dictionary<string, string>(settings) { ["Ingest:PublishTimeout"] = "00:00:10" });
            var bytes = OtlpRequests.Request("api", null, OtlpRequests.Record("a"), OtlpRequests.Record("b")).ToByteArray();

            using var first = await impatient.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf(bytes));
            using var retry = await patient.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf(bytes));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            // Both attempts reached the broker: the same two messages twice, whose ids come from the records
            // (OtlpRecordIdsTests), so the aggregator counts them once. The journal holds two distinct ids.
            Assert.Equal(4, await chaos.PublishedAsync("logs"));
            Assert.Equal(["a", "b"], chaos.PublishedEvents().Select(e => e.GetProperty("message").GetString()!).Order(StringComparer.Ordinal));
        }
        finally
        {
            await chaos.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_rate_limit_is_a_429_with_Retry_After_and_a_batch_over_the_burst_is_not_retryable()
    {
        using var limited = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Ingest:DefaultTenant"] = "acme",
            ["Ingest:RateLimit:Enabled"] = "true",
            ["Ingest:RateLimit:EventsPerSecond"] = "0.5",
            ["Ingest:RateLimit:Burst"] = "2",
            ["Ingest:RateLimit:RedisConnectionString"] = redis.ConnectionString,
        });
        var client = limited.CreateClient();
        var two = OtlpRequests.Request("api", null, OtlpRequests.Record("a"), OtlpRequests.Record("b"));

        using var first = await client.PostAsync("/v1/logs", OtlpRequests.Protobuf(two));
        using var second = await client.PostAsync("/v1/logs", OtlpRequests.Protobuf(two));
        using var tooBig = await client.PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Request("api", null,
            OtlpRequests.Record("a"), OtlpRequests.Record("b"), OtlpRequests.Record("c"))));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal((int)Grpc.Core.StatusCode.ResourceExhausted, Status.Parser.ParseFrom(await second.Content.ReadAsByteArrayAsync()).Code);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Null(tooBig.Headers.RetryAfter);
    }
}
