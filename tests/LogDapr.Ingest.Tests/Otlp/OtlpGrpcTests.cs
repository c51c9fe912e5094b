using System.Globalization;
using System.Net;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>OTLP/gRPC on Ingest:OtlpGrpcPort through a real development sidecar, with API keys on.</summary>
public sealed class OtlpGrpcTests : IClassFixture<SidecarFixture>, IDisposable
{
    private readonly KeyDirectory keys = new();
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;
    private readonly string acme;
    private readonly string readOnly;
    private readonly Uri http;
    private readonly Uri grpc;

    public OtlpGrpcTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        acme = keys.Add("acme");
        readOnly = keys.Add("acme", "roles=read");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Ingest:EventsPerMessage"] = "1",
            ["Ingest:MaxBodyReadTime"] = "00:00:01",
            ["urls"] = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Ingest:OtlpGrpcPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
        });
        (http, grpc) = factory.StartWithOtlpGrpc();
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
    }

    private Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };

    [Fact]
    public async Task The_OpenTelemetry_SDK_exporter_over_grpc_gets_every_record_published_once()
    {
        var before = await sidecar.PublishedAsync("logs");
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout"));
            otel.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Protocol = OtlpExportProtocol.Grpc;
                exporter.Endpoint = grpc;
                exporter.Headers = "authorization=Bearer " + acme;
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = loggers.CreateLogger("checkout.orders");
            logger.LogWarning("order {OrderId} is late", 7);
            logger.LogError("order {OrderId} failed", 8);
            logger.LogInformation("order {OrderId} shipped", 9);
        }

        using var client = new HttpClient();
        var stats = (await client.GetStringAsync(new Uri(http, "/v1/stats"))).Replace(" ", "", StringComparison.Ordinal);
        Assert.True(stats.Contains("\"events_accepted\":3", StringComparison.Ordinal), stats + factory.Logs.All);
        Assert.Equal(before + 3, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task One_invalid_record_among_valid_ones_is_a_partial_success_also_gzipped()
    {
        var before = await sidecar.PublishedAsync("logs");
        using var client = new OtlpGrpc(grpc);
        var request = OtlpRequests.Request("api", null,
            OtlpRequests.Record("one"), OtlpRequests.Record("bad", traceId: ByteString.CopyFrom(1, 2, 3)), OtlpRequests.Record("two"));

        var plain = await client.ExportAsync(request, Bearer(acme));
        var gzipped = await client.ExportAsync(request, new Metadata { { "x-api-key", acme } }, gzip: true);

        Assert.Equal(1, plain.PartialSuccess.RejectedLogRecords);
        Assert.Contains("record 1: trace_id", plain.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(plain, gzipped);
        Assert.Equal(before + 4, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_call_without_a_valid_key_is_unauthenticated_and_a_read_only_key_is_permission_denied()
    {
        using var client = new OtlpGrpc(grpc);
        var request = OtlpRequests.Request("api", null, OtlpRequests.Record("m"));

        var none = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(request));
        var wrong = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(request, Bearer("ldk_not-a-key")));
        var reader = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(request, Bearer(readOnly)));
        var otherTenant = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(OtlpRequests.Request("api", "globex", OtlpRequests.Record("m")), Bearer(acme)));

        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, reader.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, otherTenant.StatusCode);
    }

    [Fact]
    public async Task An_export_sent_twice_with_the_same_idempotency_key_metadata_is_published_once()
    {
        var before = await sidecar.PublishedAsync("logs");
        using var client = new OtlpGrpc(grpc);
        var request = OtlpRequests.Request("api", null, OtlpRequests.Record("one"), OtlpRequests.Record("two"));
        var keyed = new Metadata { { "authorization", "Bearer " + acme }, { "idempotency-key", "export-" + Guid.NewGuid().ToString("N")[..8] } };

        await client.ExportAsync(request, keyed);
        await client.ExportAsync(request, keyed);
        var badKey = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(request, new Metadata { { "authorization", "Bearer " + acme }, { "idempotency-key", "" } }));

        Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
        Assert.Equal(StatusCode.InvalidArgument, badKey.StatusCode);
    }

    [Fact]
    public async Task Basic_auth_with_the_key_as_password_is_accepted()
    {
        using var client = new OtlpGrpc(grpc);
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("collector:" + acme));

        var answer = await client.ExportAsync(OtlpRequests.Request("api", null, OtlpRequests.Record("m")), new Metadata { { "authorization", "Basic " + basic } });

        Assert.Null(answer.PartialSuccess);
    }

    [Fact]
    public async Task A_malformed_message_is_invalid_argument_and_a_message_over_the_body_limit_is_resource_exhausted()
    {
        using var client = new OtlpGrpc(grpc);
        var big = OtlpRequests.Request("api", null, OtlpRequests.Record(new string('x', 9 * 1024 * 1024)));

        var malformed = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync([0x0a, 0xff, 0xff, 0x01], Bearer(acme)));
        var tooBig = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(big, Bearer(acme), gzip: true));

        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal((int)StatusCode.InvalidArgument, OtlpGrpc.Details(malformed).Code);
        Assert.Contains("not a valid OTLP", malformed.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, tooBig.StatusCode);
    }

    [Fact]
    public async Task A_message_beyond_the_body_memory_budget_is_unavailable_with_retry_info_as_http_answers_503()
    {
        using var budgeted = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Ingest:OtlpGrpcPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Ingest:DefaultTenant"] = "acme",
            ["Ingest:MaxInFlightBodyBytes"] = (1024 * 1024).ToString(CultureInfo.InvariantCulture),
        });
        var (budgetedHttp, budgetedGrpc) = budgeted.StartWithOtlpGrpc();
        using var client = new OtlpGrpc(budgetedGrpc);
        using var plain = new HttpClient();
        // 200 valid records, 1.6 MB: over the replica's 1 MiB of bodies in flight, under the 8 MiB body limit.
        var large = OtlpRequests.Request("api", null, [.. Enumerable.Range(0, 200).Select(i => OtlpRequests.Record($"{i} " + new string('x', 8000)))]);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(large));
        using var overHttp = await plain.PostAsync(new Uri(budgetedHttp, "/v1/logs"), OtlpRequests.Protobuf(large));
        var small = await client.ExportAsync(OtlpRequests.Request("api", null, OtlpRequests.Record("fits")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, overHttp.StatusCode);
        Assert.NotNull(overHttp.Headers.RetryAfter);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.True(Assert.Single(OtlpGrpc.Details(refused).Details).Unpack<RetryInfo>().RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        Assert.Null(small.PartialSuccess);
    }

    [Fact]
    public async Task The_http_api_answers_on_its_port_and_the_grpc_port_serves_only_otlp()
    {
        using var client = new HttpClient();
        using var health = await client.GetAsync(new Uri(http, "/healthz"));
        using var metrics = await client.GetAsync(new Uri(http, "/metrics"));
        using var json = new HttpRequestMessage(HttpMethod.Post, new Uri(http, "/v1/logs"))
        {
            Content = new StringContent("""{"service":"api","severity":"info","message":"m"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        json.Headers.Add("X-API-Key", acme);
        using var accepted = await client.SendAsync(json);
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var apiOnGrpcPort = await h2.GetAsync(new Uri(grpc, "/healthz"));
        using var exportOnHttpPort = await client.PostAsync(new Uri(http, OtlpGrpc.Path), new ByteArrayContent([0, 0, 0, 0, 0])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc") },
        });

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnGrpcPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, exportOnHttpPort.StatusCode);
    }

    [Fact]
    public async Task A_message_that_stalls_is_cut_off_after_the_body_read_time()
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(grpc, OtlpGrpc.Path))
        {
            Content = new StallingMessage(),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add("authorization", "Bearer " + acme);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        // Only so that the test ends if ingest never cuts the call off.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var failure = await Record.ExceptionAsync(() => h2.SendAsync(request, giveUp.Token));

        Assert.NotNull(failure);
        Assert.False(giveUp.IsCancellationRequested, failure.ToString());
    }

    [Fact]
    public void Random_bytes_and_random_messages_never_get_internal_or_unknown()
    {
        using var client = new OtlpGrpc(grpc);
        var records = Gen.Select(Gen.String, Gen.Int[0, 30], Gen.Byte.Array[0, 20], (body, severity, trace) =>
        {
            var record = OtlpRequests.Record(body, severity, ByteString.CopyFrom(trace));
            record.TimeUnixNano = 0;
            return record;
        });
        var messages = Gen.Select(Gen.String, records.Array[0, 5], (service, r) => OtlpRequests.Request(service, null, r).ToByteArray());
        var bodies = Gen.OneOf(Gen.Byte.Array[0, 300], messages);

        bodies.Sample(bytes =>
        {
            try
            {
                client.ExportAsync(bytes, Bearer(acme)).GetAwaiter().GetResult();
                return true;
            }
            catch (RpcException refused)
            {
                return refused.StatusCode is not (StatusCode.Internal or StatusCode.Unknown);
            }
        }, iter: 150, threads: 1);
    }

    /// <summary>A gRPC message that announces 1 MiB, sends 64 KiB of it, and then nothing.</summary>
    private sealed class StallingMessage : HttpContent
    {
        public StallingMessage() => Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            // 5-byte frame header: uncompressed, 1 MiB announced; then 64 KiB of it.
            await stream.WriteAsync(new byte[] { 0, 0, 0x10, 0, 0 }, cancellationToken);
            await stream.WriteAsync(new byte[64 * 1024], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
