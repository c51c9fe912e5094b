using System.ComponentModel;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Store.Search;
using LogDapr.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Aggregator.Store.Tail;

/// <summary>GET /v1/logs/tail: new matching events as Server-Sent Events.</summary>
public static class TailEndpoints
{
    public static IEndpointRouteBuilder MapTailEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/logs/tail", Tail)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(LogSearchEndpoints.LogsTag)
            .WithName("TailLogs")
            .AuditedAdminRead()
            .WithSummary("Follow new events live (Server-Sent Events)")
            .WithDescription("Streams events of one tenant stored from now on that match the filters (those of GET /v1/logs, without "
                + "window, limit and cursor), as text/event-stream: each event one `data:` line of JSON in the search's event shape, "
                + "roughly in the order they were stored. A client slower than the stream gets `event: dropped` with "
                + "`data: {\"count\":n}` when n events (the oldest queued, beyond Store:Tail:BufferedEvents) were dropped. A comment "
                + "line is sent every Store:Tail:HeartbeatInterval (15 s) when nothing else was. Events stamped more than a day "
                + "before now are searchable but not tailed. At most Store:Tail:MaxConcurrent tails per replica: beyond, 429 with Retry-After.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

#pragma warning disable IDE0060
    private static IResult Tail(
        HttpContext context,
        [Description("The tenant (a tenant key: its own, the default; an admin key must give it).")] string? tenant,
        [Description("Only this service.")] string? service,
        [Description("Only this severity.")] string? severity,
        [Description("Only this severity and above.")][FromQuery(Name = "min_severity")] string? minSeverity,
        [Description("Only this host.")] string? host,
        [Description("Full text, as in GET /v1/logs.")] string? q,
        [Description("Only this trace id.")][FromQuery(Name = "trace_id")] string? traceId)
#pragma warning restore IDE0060
    {
        if (LogSearchParser.ParseTail(context.Request.Query, out var errors) is not { } filter)
        {
            return LogSearchAccess.Invalid(errors);
        }

        var decided = LogSearchAccess.Decide(context.ApiKey(), filter.Tenant, out var refusal);
        return decided is null ? refusal! : new TailStream(filter with { Tenant = decided });
    }
}
