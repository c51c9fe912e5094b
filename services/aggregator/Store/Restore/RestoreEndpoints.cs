using LogDapr.ServiceDefaults.Audit;
using System.Globalization;
using LogDapr.Aggregator.Audit;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Aggregator.Store.Restore;

/// <summary>The archive part of the store's API: restore of an archived tenant-day (admin).</summary>
public static class RestoreEndpoints
{
    public const string ArchiveTag = "Archive";

    public static IEndpointRouteBuilder MapRestoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/archive/restore", RestoreAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(ArchiveTag)
            .WithName("RestoreArchive")
            .Audited(AuditActions.ArchiveRestore, c => c.Request.Query["day"].ToString() is { Length: > 0 } day ? "archive/" + day : null, AuditedEndpoints.TenantParameter)
            .WithSummary("Put one tenant's archived day back into the store: ?tenant=&day=YYYY-MM-DD")
            .WithDescription("Reads the day's manifest and parts through the archive binding, checks their SHA-256 and inserts the events "
                + "with their original ids; events already stored are skipped, so restoring twice is harmless. The events are not "
                + "published on the topic, so they are never counted again. 409 when the day is past the tenant's events retention "
                + "(retention would remove it again): extend the tenant's EventsDays first.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<RestoreView>, ProblemHttpResult>> RestoreAsync(
        string? tenant, string? day, ArchiveRestorer restorer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(tenant) || tenant.Length > 1024)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "Invalid restore request", "tenant is required (at most 1024 characters).");
        }

        if (day is null || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "Invalid restore request", "day is required, as YYYY-MM-DD (a UTC day).");
        }

        var result = await restorer.RestoreAsync(tenant, date, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            RestoreStatus.Restored => TypedResults.Ok(new RestoreView(result.Tenant, day, result.Events, result.Inserted, result.Parts)),
            RestoreStatus.NotFound => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "No such archive", result.Error!),
            RestoreStatus.Expired => Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Day past retention", result.Error!),
            RestoreStatus.Corrupt => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.MalformedPayload, "Archive does not match its manifest", result.Error!),
            _ => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.SinkUnavailable, "Restore unavailable", result.Error!),
        };
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}

/// <summary>What a restore did: events in the archive, and how many of them were missing from the store.</summary>
public sealed record RestoreView(string Tenant, string Day, long Events, long Inserted, int Parts);
