using LogDapr.ServiceDefaults.Audit;
using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Http;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>The dead-letter part of the query API: inspection (read) and replay (admin).</summary>
public static class DeadLetterEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const string MaxReplayBodyBytesKey = ConfigKeys.AggregatorSection + ":" + nameof(AggregatorOptions.MaxReplayBodyBytes);

    public const string DeadLettersTag = "Dead letters";

    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/dead-letters", ListDeadLettersAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(DeadLettersTag)
            .WithName("ListDeadLetters")
            .WithSummary("Dead letters, newest first, paged with 'before' (the last id of the previous page)")
            .AuditedAdminRead()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/v1/dead-letters/{id:long}", GetDeadLetterAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(DeadLettersTag)
            .WithName("GetDeadLetter")
            .WithSummary("One dead letter; 404 when there is none with this id (or it belongs to another tenant)")
            .AuditedAdminRead()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapPost("/v1/dead-letters/{id:long}/replay", ReplayAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(DeadLettersTag)
            .WithName("ReplayDeadLetter")
            .WithSummary("Publish a dead letter again, optionally with corrected data: {\"data\": ...}")
            .Audited(AuditActions.DeadLetterReplay, c => "dead_letter/" + c.Request.RouteValues["id"])
            .WithDescription("The replayed message keeps its id, so it is counted at most once however often it is replayed. "
                + "The body is optional; without it the message is published as it was stored.")
            .Accepts<ReplayRequest>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
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
        long id, HttpRequest request, DeadLetterReader reader, DeadLetterReplayer replayer, IOptions<AggregatorOptions> options,
        DeliveryBodyBudget budget, CancellationToken cancellationToken)
    {
        // The id first: a replay of nothing must not cost a body read.
        var deadLetter = await reader.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (deadLetter is null)
        {
            return NotFound(id);
        }

        AuditScope.Of(request.HttpContext)?.Tenant = deadLetter.TenantId;
        JsonNode? correctedData = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, problem) = await BoundedBody.ReadAsync(request, options.Value.MaxReplayBodyBytes, MaxReplayBodyBytesKey, budget, cancellationToken)
                .ConfigureAwait(false);
            if (body is null)
            {
                return problem!;
            }

            using (body)
            {
                try
                {
                    var node = body.Length == 0 ? null : JsonNode.Parse(body.Span);
                    if (node is JsonObject obj && obj.TryGetPropertyValue("data", out var data))
                    {
                        correctedData = data;
                    }
                    else if (node is not null)
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
        }

        var result = await replayer.ReplayAsync(deadLetter, correctedData, AuditScope.Of(request.HttpContext), cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            ReplayStatus.Replayed => TypedResults.Accepted($"/v1/dead-letters/{id}", DeadLetterView.From(result.DeadLetter!)),
            ReplayStatus.NotFound => NotFound(id),
            ReplayStatus.NotReplayable => Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Dead letter cannot be replayed as is", result.Error!),
            _ => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.PublishUnavailable, "Replay unavailable", result.Error!),
        };
    }

    private static ProblemHttpResult NotFound(long id)
        => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Dead letter not found", $"There is no dead letter with id {id}.");

    private static ProblemHttpResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}

/// <summary>Body of a replay: the corrected data (one LogEvent, an array, or {"events": [...]}) that replaces the original.</summary>
public sealed record ReplayRequest(JsonNode? Data);

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
