using System.Diagnostics;
using LogDapr.EndToEnd.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The OpenTelemetry .NET SDK's OTLP log exporter, unchanged but for its endpoint, over OTLP/HTTP protobuf and over
/// OTLP/gRPC, through the whole pipeline: each record is counted once under the tenant, service and severity the OTLP
/// mapping gives, and stored with its trace and span ids, its attributes and its scope, as a user reads it back.
/// </summary>
public class OtlpClientTests
{
    private const string SourceName = "LogDapr.EndToEnd.Tests.Otlp";

    private static readonly ActivitySource Source = new(SourceName);

    [Fact]
    public async Task Records_exported_over_http_protobuf_and_grpc_are_counted_once_and_stored_with_their_trace_and_attributes()
    {
        await using var pipeline = await TestPipeline.StartAsync("otlp-clients");
        using var sampleAll = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(sampleAll);

        var overHttp = Export(OtlpExportProtocol.HttpProtobuf, new Uri(pipeline.Pipeline.IngestUrl, "/v1/logs"), "checkout-http");
        var overGrpc = Export(OtlpExportProtocol.Grpc, pipeline.Pipeline.IngestOtlpGrpcUrl, "checkout-grpc");

        await pipeline.AssertCountsSumAsync(6);
        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(
            [
                ("otel-co/checkout-grpc/error", 2L), ("otel-co/checkout-grpc/warn", 1L),
                ("otel-co/checkout-http/error", 2L), ("otel-co/checkout-http/warn", 1L),
            ],
            await pipeline.CountsBySeriesAsync());
        foreach (var (service, trace, span) in new[] { overHttp, overGrpc })
        {
            var stored = await StoredAsync(connection, service, "payment 42 declined");
            Assert.Equal((trace, span, "42", "checkout.payments", "error"), stored);
        }
    }

    /// <summary>Three records through the SDK's exporter, the first inside an activity; answers the activity's ids.</summary>
    private static (string Service, string TraceId, string SpanId) Export(OtlpExportProtocol protocol, Uri endpoint, string service)
    {
        string traceId, spanId;
        using (var loggers = LoggerFactory.Create(logging =>
        {
            // The SDK's retry of 503/UNAVAILABLE (ingest's backpressure on a loaded machine), as a careful user runs it.
            logging.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory" }).Build());
            logging.AddOpenTelemetry(otel =>
            {
                otel.IncludeFormattedMessage = true;
                otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service)
                    .AddAttributes([new KeyValuePair<string, object>("logdapr.tenant_id", "otel-co")]));
                otel.AddOtlpExporter((exporter, processor) =>
                {
                    exporter.Protocol = protocol;
                    exporter.Endpoint = endpoint;
                    exporter.TimeoutMilliseconds = 60_000;
                    processor.ExportProcessorType = ExportProcessorType.Simple;
                });
            });
        }))
        {
            var logger = loggers.CreateLogger("checkout.payments");
            using (var activity = Source.StartActivity("pay") ?? throw new InvalidOperationException("the listener samples every activity"))
            {
                traceId = activity.TraceId.ToHexString();
                spanId = activity.SpanId.ToHexString();
                logger.LogError("payment {PaymentId} declined", 42);
            }

            logger.LogError("payment {PaymentId} declined twice", 43);
            logger.LogWarning("card {Card} expires soon", "visa");
        }

        return (service, traceId, spanId);
    }

    private static async Task<(string?, string?, string?, string?, string?)> StoredAsync(NpgsqlConnection connection, string service, string message)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT trace_id, span_id, attributes ->> 'PaymentId', attributes ->> 'otel.scope.name',
                   (ARRAY['trace','debug','info','warn','error','fatal'])[severity]
            FROM logdapr.log_events WHERE tenant_id = 'otel-co' AND service = $1 AND message = $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = service });
        command.Parameters.Add(new NpgsqlParameter { Value = message });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no stored event '{message}' of {service}");
        var row = (Field(0), Field(1), Field(2), Field(3), Field(4));
        Assert.False(await reader.ReadAsync(), $"'{message}' of {service} is stored twice");
        return row;

        string? Field(int i) => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString();
    }
}
