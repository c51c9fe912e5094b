using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LogDapr.DevSidecar.Tests.Support;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>daprd's default --max-body-size (4Mi) on the HTTP body and the serialized gRPC request, with daprd's errors.</summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    private const int Limit = 4 * 1024 * 1024;
    private readonly TempDir dir = new();
    private TestSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task An_http_body_over_4_mib_fails_with_stream_too_large_and_4_mib_passes()
    {
        using var exact = await sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/big", new ByteArrayContent(new byte[Limit]) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.NoContent, exact.StatusCode);

        using var over = await sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/big", new ByteArrayContent(new byte[Limit + 1]) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.InternalServerError, over.StatusCode);
        var body = JsonNode.Parse(await over.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", (string?)body["errorCode"]);
        Assert.Equal($"error when publishing to topic big in pubsub {Yaml.PubSub}: stream too large", (string?)body["message"]);
        Assert.Equal(1, await sidecar.CounterAsync("big", "published"));
    }

    [Fact]
    public async Task A_grpc_request_over_4_mib_serialized_is_resource_exhausted_counting_the_envelope()
    {
        using var channel = GrpcChannel.ForAddress(sidecar.Host.GrpcEndpoint);
        var raw = new DaprProto.Dapr.DaprClient(channel);

        // The data alone fits; the request with pubsub, topic and metadata (e.g. a tracestate) does not.
        var request = new DaprProto.PublishEventRequest { PubsubName = Yaml.PubSub, Topic = "grpc-big", Data = ByteString.CopyFrom(new byte[Limit - 64]), DataContentType = "application/octet-stream" };
        request.Metadata["cloudevent.tracestate"] = new string('t', 128);
        Assert.True(request.CalculateSize() > Limit);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await raw.PublishEventAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal($"grpc: received message larger than max ({request.CalculateSize()} vs. {Limit})", ex.Status.Detail);

        request.Metadata.Clear();
        request.Data = ByteString.CopyFrom(new byte[Limit - 200]);
        Assert.True(request.CalculateSize() <= Limit);
        await raw.PublishEventAsync(request);
    }
}
