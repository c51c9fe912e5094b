using LogDapr.Ingest.Hosting;
using LogDapr.ServiceDefaults.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LogDapr.Observability.Tests.Tracing;

/// <summary>Tracing exists only when the standard OTEL_* variables ask for an OTLP exporter; metrics always do.</summary>
public sealed class TracingSwitchTests
{
    [Fact]
    public async Task Without_OTEL_settings_there_is_no_tracer_provider_but_metrics_are_collected()
    {
        await using var app = BuildIngest([]);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.Equal(OtlpExportSettings.None, app.Services.GetRequiredService<OtlpExportSettings>());
    }

    [Fact]
    public async Task An_OTLP_endpoint_turns_tracing_on()
    {
        await using var app = BuildIngest(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" });
        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.Equal(new OtlpExportSettings(Traces: true, Metrics: false, Logs: false), app.Services.GetRequiredService<OtlpExportSettings>());
    }

    [Theory]
    [InlineData(null, null, null, null, false, false, false)]
    [InlineData("http://collector:4317", null, null, null, true, false, false)]
    [InlineData("http://collector:4317", "none", null, null, false, false, false)]
    [InlineData(null, "otlp", null, null, true, false, false)]
    [InlineData("http://collector:4317", "console, otlp", "otlp", "otlp", true, true, true)]
    [InlineData("http://collector:4317", "otlp", "otlp", "otlp", false, false, false, "true")]
    public void OTEL_variables_decide_which_signals_are_exported(
        string? endpoint, string? traces, string? metrics, string? logs, bool expectTraces, bool expectMetrics, bool expectLogs, string? disabled = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_TRACES_EXPORTER"] = traces,
            ["OTEL_METRICS_EXPORTER"] = metrics,
            ["OTEL_LOGS_EXPORTER"] = logs,
            ["OTEL_SDK_DISABLED"] = disabled,
        };
        Assert.Equal(new OtlpExportSettings(expectTraces, expectMetrics, expectLogs), OtlpExportSettings.From(k => settings.GetValueOrDefault(k)));
    }

    [Fact]
    public void A_signal_specific_endpoint_turns_on_that_signal_only()
    {
        var settings = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = "http://collector:4318/v1/metrics" };
        Assert.Equal(new OtlpExportSettings(false, true, false), OtlpExportSettings.From(k => settings.GetValueOrDefault(k)));
    }

    private static WebApplication BuildIngest(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "logdapr-ingest", EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Auth:Enabled"] = "false" });
        builder.AddIngest();
        return builder.Build();
    }
}
