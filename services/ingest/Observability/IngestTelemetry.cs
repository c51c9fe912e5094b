using System.Diagnostics;
using LogDapr.ServiceDefaults.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Ingest.Observability;

/// <summary>Ingest's Meter and ActivitySource (one name for both) and their registration.</summary>
public static class IngestTelemetry
{
    public const string Name = "LogDapr.Ingest";

    public static ActivitySource Source { get; } = new(Name, ServiceTelemetry.ServiceVersion);

    public static WebApplicationBuilder AddIngestTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceInstrumentation(Name, Name);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<IngestMetrics>());
        return builder;
    }

    /// <summary>
    /// The producer span of one request's publish (OpenTelemetry messaging conventions: "publish {topic}"). Null when
    /// no tracer listens; the CloudEvents then carry the request's own context, so logs still join across services.
    /// </summary>
    public static Activity? StartPublish(string topic, int events)
    {
        var activity = Source.StartActivity($"publish {topic}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("logdapr.events", events);
        }

        return activity;
    }
}
