using System.Net;
using System.Text;
using Dapr;
using Grpc.Core;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using LogDapr.Ingest.Tests.Support;
using LogDapr.ServiceDefaults.Sidecar;
using LogDapr.ServiceDefaults.Publishing;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

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

    [Fact]
    public async Task A_runtime_serving_the_stable_bulk_name_gets_it_and_a_response_listing_failed_entries_fails_the_call()
    {
        var daprd = new StableBulkDaprd();
        await using var app = await StableBulkDaprd.StartAsync(daprd);
        using var client = new DaprPublishClient(new DaprSidecarConnection(app.Urls.Single(), Token));
        var messages = new[] { Message(), Message(), Message() };

        daprd.FailEntry = "1";
        var failed = await Assert.ThrowsAsync<DaprException>(() => client.PublishAsync(PubSub, "logs", messages, CancellationToken.None));
        Assert.Contains("1 of 3 entries were not published", failed.Message, StringComparison.Ordinal);

        daprd.FailEntry = null;
        await client.PublishAsync(PubSub, "logs", messages, CancellationToken.None);

        Assert.Equal(2, daprd.Requests.Count);
        Assert.All(daprd.Requests, request =>
        {
            Assert.Equal(["0", "1", "2"], request.Entries.Select(e => e.EntryId));
            Assert.Equal(messages.Select(m => Encoding.UTF8.GetString(m.Envelope.Span)), request.Entries.Select(e => e.Event.ToStringUtf8()));
            Assert.All(request.Entries, e => Assert.Equal("application/cloudevents+json", e.ContentType));
        });
        Assert.All(daprd.Tokens, token => Assert.Equal(Token, token));
    }

    /// <summary>
    /// daprd 1.17+ as far as bulk publish goes: the stable name served, the deprecated one not (Kestrel answers 404, which
    /// gRPC reads as Unimplemented). The gRPC framing is written by hand: Dapr.Protos carries no server base class.
    /// </summary>
    private sealed class StableBulkDaprd
    {
        public string? FailEntry { get; set; }

        public List<DaprProto.BulkPublishRequest> Requests { get; } = [];

        public List<string?> Tokens { get; } = [];

        public static async Task<WebApplication> StartAsync(StableBulkDaprd daprd)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            app.MapPost("/dapr.proto.runtime.v1.Dapr/BulkPublishEvent", daprd.BulkPublishAsync);
            await app.StartAsync();
            return app;
        }

        private async Task BulkPublishAsync(HttpContext context)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            // One message: a compression flag, a 4-byte big-endian length, the protobuf.
            var request = DaprProto.BulkPublishRequest.Parser.ParseFrom(body.ToArray().AsSpan(5));
            Requests.Add(request);
            Tokens.Add(context.Request.Headers["dapr-api-token"].ToString());

            var response = new DaprProto.BulkPublishResponse();
            if (FailEntry is { } entry)
            {
                response.FailedEntries.Add(new DaprProto.BulkPublishResponseFailedEntry { EntryId = entry, Error = "broker refused" });
            }

            var payload = response.ToByteArray();
            var frame = new byte[5 + payload.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
            payload.CopyTo(frame, 5);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
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
