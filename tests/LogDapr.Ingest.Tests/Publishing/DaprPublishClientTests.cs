using System.Text;
using Dapr;
using Grpc.Core;
using LogDapr.Ingest.Tests.Support;
using LogDapr.ServiceDefaults.Hosting;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Tests.Publishing;

/// <summary>
/// The direct gRPC publish against the development sidecar, which serves bulk publish only under daprd 1.16's
/// <c>BulkPublishEventAlpha1</c> and requires the API token when it is given one, as daprd does.
/// </summary>
public sealed class DaprPublishClientTests
{
    private const string PubSub = "logdapr-pubsub";
    private const string Token = "publish-token";

    [Fact]
    public async Task Lone_and_bulk_publishes_reach_the_topic_as_our_own_cloud_events_and_need_the_api_token()
    {
        var sidecar = new SidecarFixture(["--dapr-api-token", Token]);
        await sidecar.InitializeAsync();
        try
        {
            var endpoint = $"http://127.0.0.1:{sidecar.GrpcPort}";
            using var client = new DaprPublishClient(new DaprSidecarConnection(endpoint, Token));
            var lone = Message();
            var firstBulk = new[] { Message(), Message(), Message() };
            var secondBulk = new[] { Message(), Message() };

            await client.PublishAsync(PubSub, "logs", [lone], CancellationToken.None);
            // The first bulk is refused as Unimplemented under the stable name and sent again under Alpha1; the second
            // goes to Alpha1 at once. Either way every entry must arrive once.
            await client.PublishAsync(PubSub, "logs", firstBulk, CancellationToken.None);
            await client.PublishAsync(PubSub, "logs", secondBulk, CancellationToken.None);

            var sent = new[] { lone }.Concat(firstBulk).Concat(secondBulk).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            var stored = sidecar.PublishedCloudEvents().Select(e => e.GetProperty("id").GetString()!).Where(sent.Contains).ToList();
            Assert.Equal(sent.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));

            using var anonymous = new DaprPublishClient(new DaprSidecarConnection(endpoint, apiToken: null));
            var single = await Assert.ThrowsAsync<DaprException>(() => anonymous.PublishAsync(PubSub, "logs", [Message()], CancellationToken.None));
            Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(single.InnerException).StatusCode);
            var bulk = await Assert.ThrowsAsync<DaprException>(() => anonymous.PublishAsync(PubSub, "logs", [Message(), Message()], CancellationToken.None));
            Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(bulk.InnerException).StatusCode);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static OutgoingCloudEvent Message()
    {
        var id = Guid.NewGuid().ToString();
        var data = """{"events":[]}""";
        var envelope = Encoding.UTF8.GetBytes(
            $$"""{"specversion":"1.0","id":"{{id}}","source":"logdapr-tests","type":"io.logdapr.test","datacontenttype":"application/json","data":{{data}}}""");
        return new OutgoingCloudEvent { Id = id, Envelope = envelope, Data = Encoding.UTF8.GetBytes(data), FirstEvent = 0, EventCount = 0 };
    }
}
