using System.ComponentModel;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LogDapr.Aggregator.Audit;

/// <summary>GET /v1/audit on the counter's query API: the audit trail, admin keys only.</summary>
public static class AuditEndpoints
{
    public const string AuditTag = "Audit";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/audit", ListAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(AuditTag)
            .WithName("ListAudit")
            .WithSummary("Audit records of sensitive operations, newest first, paged with 'cursor' (the next_cursor of the previous page)")
            .WithDescription("Records of dead-letter replays, admin reads of tenant data, API key failures (rate-limited: 'suppressed' counts the "
                + "failures of the address not recorded before this one), enrichment metadata changes and archive restores. Filters combine "
                + "with AND; every unknown, repeated or malformed parameter is a 400. Records are paged by id, so pages stay stable while "
                + "records are written.")
            .Produces<AuditPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    // The named parameters are bound only to describe them in OpenAPI: the parser reads the whole query string so that
    // unknown and repeated parameters are refused.
#pragma warning disable IDE0060
    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        HttpContext context, AuditReader reader,
        [Description("Records at or after this time, RFC 3339.")] string? from,
        [Description("Records before this time, RFC 3339.")] string? to,
        [Description("Only this action: dead_letter.replay, tenant_data.read, auth.failure, metadata.put, metadata.delete, archive.restore.")] string? action,
        [Description("Only this actor: '<tenant or _admin>/<key id>', or 'anonymous'.")] string? actor,
        [Description("Only records about this tenant.")] string? tenant,
        [Description("Records per page, 1 to 1000 (default 100).")] string? limit,
        [Description("The next_cursor of the previous page.")] string? cursor,
        CancellationToken cancellationToken)
#pragma warning restore IDE0060
    {
        if (AuditQuery.Parse(context.Request.Query, out var errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.InvalidQuery, title: "Invalid audit query");
        }

        var rows = await reader.ListAsync(query, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AuditPage(rows, rows.Count == query.Limit ? AuditCursor.Encode(rows[^1].Id) : null));
    }
}
