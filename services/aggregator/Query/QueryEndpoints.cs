using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Configuration;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Query;

/// <summary>The query API: metrics per bucket, dead-letter inspection and replay.</summary>
public static class QueryEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/metrics", GetMetricsAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("GetMetrics")
            .WithSummary("Event counts per bucket and error rate per service")
            .WithDescription("Query: tenant, service, severity, from, to (RFC 3339; default the last hour), step (e.g. 1m, 5m, 1h; default the bucket width).");
        app.MapGet("/v1/dead-letters", ListDeadLettersAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithName("ListDeadLetters")
            .WithSummary("Dead letters, newest first, paged with 'before' (the last id of the previous page)");
        app.MapGet("/v1/dead-letters/{id:long}", GetDeadLetterAsync).RequireAuthorization(AuthPolicies.Read).WithName("GetDeadLetter");
        app.MapPost("/v1/dead-letters/{id:long}/replay", ReplayAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithName("ReplayDeadLetter")
            .WithSummary("Publish a dead letter again, optionally with corrected data: {\"data\": ...}")
            .WithDescription("The replayed message keeps its id, so it is counted at most once however often it is replayed.");
        return app;
    }

    private static async Task<Results<Ok<MetricsResult>, ValidationProblem, ProblemHttpResult>> GetMetricsAsync(
        HttpContext context, MetricsReader reader, IOptions<AggregatorOptions> options, TimeProvider time, CancellationToken cancellationToken)
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

        return TypedResults.Ok(await reader.ReadAsync(query, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<DeadLetterPage>, ValidationProblem>> ListDeadLettersAsync(
        HttpContext context, DeadLetterReader reader, int? limit, long? before, CancellationToken cancellationToken)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxPageSize}"] },
                type: ProblemTypes.InvalidQuery);
        }

        var items = await reader.ListAsync(size, before, context.ApiKey().Tenant, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new DeadLetterPage(
            [.. items.Select(DeadLetterView.From)],
            items.Count == size ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<DeadLetterView>, ProblemHttpResult>> GetDeadLetterAsync(
        long id, HttpContext context, DeadLetterReader reader, CancellationToken cancellationToken)
    {
        var deadLetter = await reader.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var caller = context.ApiKey();
        // Another tenant's dead letter answers like a missing one: its existence is not disclosed.
        return deadLetter is null || (caller.Tenant is not null && deadLetter.TenantId != caller.Tenant)
            ? NotFound(id)
            : TypedResults.Ok(DeadLetterView.From(deadLetter));
    }

    private static async Task<Results<Accepted<DeadLetterView>, ProblemHttpResult>> ReplayAsync(
        long id, HttpRequest request, DeadLetterReplayer replayer, CancellationToken cancellationToken)
    {
        JsonNode? correctedData = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                var body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (body is JsonObject obj && obj.TryGetPropertyValue("data", out var data))
                {
                    correctedData = data;
                }
                else if (body is not null)
                {
                    return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "Invalid replay request",
                        "The body, when present, must be {\"data\": <corrected LogEvent data>}.");
                }
            }
            catch (JsonException ex)
            {
                return Problem(StatusCodes.Status400BadRequest, ProblemTypes.MalformedPayload, "Malformed replay request", ex.Message);
            }
        }

        var result = await replayer.ReplayAsync(id, correctedData, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            ReplayStatus.Replayed => TypedResults.Accepted($"/v1/dead-letters/{id}", DeadLetterView.From(result.DeadLetter!)),
            ReplayStatus.NotFound => NotFound(id),
            ReplayStatus.NotReplayable => Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Dead letter cannot be replayed as is", result.Error!),
            _ => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.PublishUnavailable, "Replay unavailable", result.Error!),
        };
    }

    private static ProblemHttpResult ForbiddenTenant() => Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden tenant",
        "This API key may only query its own tenant.");

    private static ProblemHttpResult NotFound(long id)
        => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Dead letter not found", $"There is no dead letter with id {id}.");

    private static ProblemHttpResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}

public sealed record DeadLetterPage(IReadOnlyList<DeadLetterView> Items, long? NextBefore);

/// <summary>A dead letter for the API: the payload as JSON when it is JSON, else as the delivered text.</summary>
public sealed record DeadLetterView(
    long Id,
    string MessageId,
    string? TenantId,
    string? Topic,
    string Reason,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Attempts,
    int ReplayCount,
    DateTimeOffset? LastReplayedAt,
    JsonNode? Payload)
{
    public static DeadLetterView From(DeadLetter d) => new(
        d.Id, d.MessageId, d.TenantId, d.Topic, d.Reason, d.FirstSeen, d.LastSeen, d.Attempts, d.ReplayCount, d.LastReplayedAt, ParsePayload(d.Payload));

    private static JsonNode? ParsePayload(string payload)
    {
        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return JsonValue.Create(payload);
        }
    }
}
