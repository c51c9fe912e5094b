using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json;
using LogDapr.Aggregator.Audit;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Query;

/// <summary>The read side of the query API: event counts per bucket and error rates (GET /v1/metrics).</summary>
public static class MetricsEndpoints
{
    private const string MaxQueryRowsKey = ConfigKeys.AggregatorSection + ":" + nameof(AggregatorOptions.MaxQueryRows);

    public const string MetricsTag = "Metrics";

    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/metrics", GetMetricsAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(MetricsTag)
            .WithName("GetMetrics")
            .AuditedAdminRead()
            .WithSummary("Event counts per bucket and error rate per service")
            .WithDescription("Every malformed or out-of-range parameter is a 400 naming it. A query matching more rows than "
                + "Aggregator:MaxQueryRows is a 400 too: narrow it with tenant, service or severity, or use a larger step.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<MetricsResult>, ValidationProblem, ProblemHttpResult>> GetMetricsAsync(
        HttpContext context, MetricsReader reader, IOptions<AggregatorOptions> options, TimeProvider time,
        [Description("Only this tenant (a tenant key always sees only its own).")] string? tenant,
        [Description("Only this service.")] string? service,
        [Description("Only this severity in buckets: trace, debug, info, warn, error, fatal (error rates are always over all severities).")] string? severity,
        [Description("Start, RFC 3339 (default: one hour before to).")] string? from,
        [Description("End, exclusive, RFC 3339 (default: now).")] string? to,
        [Description("Bucket size: 1m, 5m, 1h, 1d or ISO 8601 (PT5M); a multiple of the bucket width, at most 366d (default: the bucket width).")] string? step,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var query = MetricsQueryParser.Parse(name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null,
            time.GetUtcNow(), options.Value.BucketWidth, out var errors);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.InvalidQuery, title: "Invalid metrics query");
        }

        // A tenant key sees its own tenant only: an absent tenant filter means its tenant, another tenant is refused.
        var caller = context.ApiKey();
        if (caller.Tenant is not null)
        {
            if (query.TenantId is not null && !caller.CanAccessTenant(query.TenantId))
            {
                return ForbiddenTenant();
            }

            query = query with { TenantId = caller.Tenant };
        }

        var maxRows = options.Value.MaxQueryRows;
        var result = await reader.ReadAsync(query, maxRows, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.InvalidQuery,
                Title = "Too many series",
                Detail = $"The query matches more than {maxRows} rows (bucket x tenant x service x severity); narrow it with tenant, "
                    + "service or severity, use a shorter range or a larger step.",
                Extensions = { ["limit"] = MaxQueryRowsKey, ["limitValue"] = maxRows },
            });
        }

        return TypedResults.Ok(result);
    }

    private static ProblemHttpResult ForbiddenTenant() => Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden tenant",
        "This API key may only query its own tenant.");

    private static ProblemHttpResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
