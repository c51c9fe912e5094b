using System.Globalization;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>The OpenTelemetry SDK exporter's own retry over gRPC, driven by ingest's UNAVAILABLE and RetryInfo.</summary>
public sealed class OtlpGrpcRetryTests : IAsyncLifetime
{
    // Its ports are chosen now; the process starts only once ingest has refused the first attempt.
    private readonly SidecarFixture sidecar = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sidecar.DisposeAsync();

    [Fact]
    public async Task With_the_sidecar_down_the_exporter_retries_after_the_retry_info_delay_and_the_record_is_published_as_one_event()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Ingest:OtlpGrpcPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Ingest:DefaultTenant"] = "acme",
            ["Ingest:EventsPerMessage"] = "1",
            // The exporter makes 5 attempts: RetryInfo's delay leaves the sidecar about 20 s to start.
            ["Ingest:RetryAfterSeconds"] = "5",
        });
        var (http, grpc) = factory.StartWithOtlpGrpc();
        using var stats = new HttpClient();
        using var loggers = LoggerFactory.Create(logging =>
        {
            // The SDK's in-memory retry, the one that honours RetryInfo, is switched on by this setting.
            logging.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory" }).Build());
            logging.AddOpenTelemetry(otel =>
            {
                otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout"));
                otel.AddOtlpExporter((exporter, processor) =>
                {
                    exporter.Protocol = OtlpExportProtocol.Grpc;
                    exporter.Endpoint = grpc;
                    exporter.TimeoutMilliseconds = 60_000;
                    processor.ExportProcessorType = ExportProcessorType.Simple;
                });
            });
        });
        var logger = loggers.CreateLogger("checkout.payments");

        // A simple processor exports inside the call, retries included.
        var export = Task.Run(() => logger.LogError("payment {PaymentId} failed", 42));
        await Eventually.TrueAsync(
            async () => (await stats.GetStringAsync(new Uri(http, "/v1/stats"))).Contains("unpublished", StringComparison.Ordinal),
            "ingest refused the first attempt: the sidecar is not there");
        await sidecar.InitializeAsync();
        await export;

        var snapshot = (await stats.GetStringAsync(new Uri(http, "/v1/stats"))).Replace(" ", "", StringComparison.Ordinal);
        // An attempt whose publish reached the starting sidecar but was confirmed too late may publish the record
        // twice; its id comes from the record (OtlpRecordIdsTests), so it is one event, counted once downstream.
        var published = Assert.Single(sidecar.PublishedEvents());
        // The .NET SDK sends the message template as the body and the values as attributes.
        Assert.Equal("payment {PaymentId} failed", published.GetProperty("message").GetString());
        Assert.InRange(await sidecar.PublishedAsync("logs"), 1, 2);
        Assert.True(snapshot.Contains("\"events_accepted\":1", StringComparison.Ordinal), snapshot + factory.Logs.All);
    }
}
