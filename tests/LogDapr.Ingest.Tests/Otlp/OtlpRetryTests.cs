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
