using LogDapr.Configuration.Audit;
using LogDapr.ServiceDefaults.Audit;

namespace LogDapr.Ingest.Audit;

/// <summary>Ingest's part of the audit trail: its authentication failures, sent to the counter over the audit topic.</summary>
public static class IngestAuditRegistration
{
    public static WebApplicationBuilder AddIngestAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>()
            .Bind(builder.Configuration.GetSection(AuditOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestAuditMetrics>();
        builder.Services.AddSingleton<AuthFailureLimiter>();
        builder.Services.AddSingleton<AuditSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditSender>());
        builder.Services.AddSingleton<AuthFailureAudit>();
        return builder;
    }

    /// <summary>Before authentication, so that it sees every refusal, whichever part of the pipeline answered it.</summary>
    public static IApplicationBuilder UseAuthFailureAudit(this IApplicationBuilder app)
    {
        var audit = app.ApplicationServices.GetRequiredService<AuthFailureAudit>();
        return app.Use(audit.InvokeAsync);
    }
}
