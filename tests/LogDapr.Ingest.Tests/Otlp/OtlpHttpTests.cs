using System.Net;
using System.Text;
using CsCheck;
using Google.Protobuf;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using LogDapr.Ingest.Tests.Support;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>OTLP/HTTP on POST /v1/logs through a real development sidecar.</summary>
public sealed class OtlpHttpTests : IClassFixture<SidecarFixture>, IDisposable
{
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;

    public OtlpHttpTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Ingest:EventsPerMessage"] = "1",
            ["Ingest:DefaultTenant"] = "acme",
        });
    }

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_OpenTelemetry_SDK_exporter_over_http_protobuf_gets_every_record_published_once()
    {
        var before = await sidecar.PublishedAsync("logs");
        var server = factory.StartOnKestrel();
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout"));
            otel.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.Endpoint = new Uri(server, "/v1/logs");
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = loggers.CreateLogger("checkout.orders");
            logger.LogWarning("order {OrderId} is late", 7);
            logger.LogError("order {OrderId} failed", 8);
            logger.LogInformation("order {OrderId} shipped", 9);
        }

        using var http = new HttpClient();
        var stats = await http.GetStringAsync(new Uri(server, "/v1/stats"));
        Assert.True(stats.Contains("\"events_accepted\":3", StringComparison.Ordinal), stats + factory.Logs.All);
        Assert.Equal(before + 3, await sidecar.PublishedAsync("logs"));
        Assert.Contains("\"events_accepted\":3", stats.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_invalid_record_among_valid_ones_is_a_partial_success_and_the_valid_ones_are_published()
    {
        var before = await sidecar.PublishedAsync("logs");
        var request = OtlpRequests.Request("api", null,
            OtlpRequests.Record("one"), OtlpRequests.Record("bad", traceId: ByteString.CopyFrom(1, 2, 3)), OtlpRequests.Record("two"));

        using var response = await factory.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf(request));
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.Contains("record 1: trace_id", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Otlp_json_on_the_same_path_is_told_apart_by_resourceLogs_and_answered_in_json()
    {
        var before = await sidecar.PublishedAsync("logs");
        var time = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
              "scopeLogs":[{"scope":{"name":"s"},"logRecords":[
                {"timeUnixNano":"{{{time}}}","severityNumber":17,"body":{"stringValue":"boom"},"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"},
                {"timeUnixNano":"{{{time}}}","severityText":"WARN","body":{"stringValue":"careful"},"traceId":"0af76519"}]}]}]}
            """;

        using var response = await factory.CreateClient().PostAsync("/v1/logs", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var answer = JsonParser.Default.Parse<ExportLogsServiceResponse>(text);
        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_malformed_protobuf_body_is_a_400_with_a_google_rpc_status()
    {
        using var response = await factory.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf([0x0a, 0xff, 0xff, 0x01]));
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, status.Code);
        Assert.Contains("not a valid OTLP", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_export_is_a_success()
    {
        using var response = await factory.CreateClient().PostAsync("/v1/logs", OtlpRequests.Protobuf(new ExportLogsServiceRequest()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);
    }

    [Fact]
    public void Random_bytes_and_random_messages_never_get_a_5xx()
    {
        var client = factory.CreateClient();
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
            using var response = client.PostAsync("/v1/logs", OtlpRequests.Protobuf(bytes)).GetAwaiter().GetResult();
            return (int)response.StatusCode < 500;
        }, iter: 150, threads: 1);
        Gen.String.Sample(json =>
        {
            using var response = client.PostAsync("/v1/logs", new StringContent("{\"resourceLogs\":" + json + "}", Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            return (int)response.StatusCode < 500;
        }, iter: 100, threads: 1);
    }
}
