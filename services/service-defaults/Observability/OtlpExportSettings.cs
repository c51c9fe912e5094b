namespace LogDapr.ServiceDefaults.Observability;

/// <summary>
/// Which signals go to an OTLP endpoint, decided only by the standard OpenTelemetry environment variables (read
/// through configuration, so tests can set them per host). Pure.
/// </summary>
/// <remarks>
/// The .NET SDK reads OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers) itself but not OTEL_*_EXPORTER, so the
/// choice of exporters is made here. Traces are exported when OTEL_TRACES_EXPORTER names <c>otlp</c>, or when it is
/// unset and an OTLP endpoint is configured. Metrics and logs are already visible without OTLP (/metrics and JSON
/// console logs), so they are pushed only when asked for explicitly: OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER
/// naming <c>otlp</c>, or a signal-specific endpoint. OTEL_SDK_DISABLED=true turns every OTLP export off.
/// </remarks>
public sealed record OtlpExportSettings(bool Traces, bool Metrics, bool Logs)
{
    public static OtlpExportSettings None { get; } = new(false, false, false);

    public bool Any => Traces || Metrics || Logs;

    public static OtlpExportSettings From(Func<string, string?> setting)
    {
        if (IsTrue(setting("OTEL_SDK_DISABLED")))
        {
            return None;
        }

        var anyEndpoint = IsSet(setting("OTEL_EXPORTER_OTLP_ENDPOINT"));
        return new OtlpExportSettings(
            Traces: Decide(setting("OTEL_TRACES_EXPORTER"), anyEndpoint || IsSet(setting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))),
            Metrics: Decide(setting("OTEL_METRICS_EXPORTER"), IsSet(setting("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"))),
            Logs: Decide(setting("OTEL_LOGS_EXPORTER"), IsSet(setting("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"))));
    }

    /// <summary>An explicit exporter list wins ("none" or anything without "otlp" means off); otherwise the endpoint decides.</summary>
    private static bool Decide(string? exporters, bool endpointConfigured)
        => IsSet(exporters)
            ? exporters!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Any(e => e.Equals("otlp", StringComparison.OrdinalIgnoreCase))
            : endpointConfigured;

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    private static bool IsTrue(string? value) => value is not null && value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
}
