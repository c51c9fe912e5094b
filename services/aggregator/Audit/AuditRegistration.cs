using LogDapr.ServiceDefaults.Audit;
using LogDapr.Configuration.Audit;
using Microsoft.AspNetCore.Authorization;

namespace LogDapr.Aggregator.Audit;

/// <summary>The audit trail's services, in every role (each role's API records what it serves).</summary>
public static class AuditRegistration
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>()
            .Bind(builder.Configuration.GetSection(AuditOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditMetrics>();
        builder.Services.AddSingleton<AuthFailureLimiter>();
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddSingleton<AuditReader>();
        builder.Services.AddSingleton<AuditArrivals>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditAuthorizationResultHandler>();
        return builder;
    }
}
