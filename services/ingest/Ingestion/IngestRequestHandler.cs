using System.Globalization;
using System.Text.Json;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Configuration;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Observability;
using LogDapr.Ingest.Publishing;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Ingestion;

/// <summary>
/// One POST /v1/logs, in order: media type, capped body read, idempotency claim, validation, tenant check, rate
/// limit (in events), publish, and only then the answer. Every refusal before the publish leaves nothing behind.
/// </summary>
internal sealed class IngestRequestHandler(
    LogEventReader reader,
    EventPublisher publisher,
    ClientRateLimiter rateLimiter,
    IdempotencyStore idempotency,
    BodyBudget budget,
    IOptions<IngestOptions> options,
    IOptions<JsonOptions> json,
    IngestMetrics metrics,
    TimeProvider time)
{
    private readonly IngestOptions settings = options.Value;
    private readonly JsonSerializerOptions serializer = json.Value.SerializerOptions;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var format = PayloadFormats.FromContentType(request.ContentType);
        if (format is null)
        {
            return IngestProblems.UnsupportedMediaType(request.ContentType);
        }

        var idempotencyKey = request.Headers[IdempotencyStore.HeaderName].ToString();
        if (request.Headers.ContainsKey(IdempotencyStore.HeaderName) && !IdempotencyStore.IsValidKey(idempotencyKey))
        {
            return IngestProblems.InvalidIdempotencyKey();
        }

        BodyReadResult read;
        try
        {
            read = await RequestBodyReader.ReadAsync(request, settings.MaxBodyBytes, context.RequestAborted, budget).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return IngestProblems.BodyTooLarge(settings.MaxBodyBytes);
        }

        switch (read.Status)
        {
            case BodyReadStatus.TooLarge:
                return IngestProblems.BodyTooLarge(settings.MaxBodyBytes);
            case BodyReadStatus.UnsupportedEncoding:
                return IngestProblems.UnsupportedEncoding(read.Encoding!);
            case BodyReadStatus.CorruptEncoding:
                return IngestProblems.CorruptEncoding(read.Encoding!);
            case BodyReadStatus.OverBudget:
                return RetryLater(context, IngestProblems.Overloaded());
        }

        var caller = context.ApiKey();
        var client = ClientId(context, caller);
        using var body = read.Body!;
        IdempotencyClaim? claim = null;
        if (idempotencyKey.Length > 0)
        {
            claim = await idempotency.ClaimAsync(client, idempotencyKey, IdempotencyStore.Fingerprint(client, request.ContentType, body.Span), context.RequestAborted)
                .ConfigureAwait(false);
            switch (claim.Status)
            {
                case ClaimStatus.Replay:
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                    return Results.Content(claim.Record!.Body, "application/json", statusCode: claim.Record.Status);
                case ClaimStatus.Mismatch:
                    return IngestProblems.IdempotencyKeyReused();
                case ClaimStatus.InFlight:
                    return RetryLater(context, IngestProblems.IdempotencyKeyInFlight());
                case ClaimStatus.Unavailable:
                    return RetryLater(context, IngestProblems.Unavailable($"the idempotency store is unavailable ({claim.Error})"));
            }
        }

        var outcome = await ProcessAsync(context, format.Value, body, caller, client).ConfigureAwait(false);
        if (claim is not null)
        {
            if (outcome.Status == StatusCodes.Status202Accepted)
            {
                await idempotency.CompleteAsync(claim, outcome.Status, JsonSerializer.Serialize(outcome.Accepted, serializer), context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                // Only a 202 is final; anything else may succeed on retry, so the key is freed for it.
                await idempotency.ReleaseAsync(claim, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return outcome.Result;
    }

    private async Task<Outcome> ProcessAsync(HttpContext context, PayloadFormat format, PooledBody body, ApiKeyPrincipal caller, string client)
    {
        var receivedAt = time.GetUtcNow();
        var parsed = reader.Read(body.Span, format, receivedAt);
        metrics.Parsed(parsed);
        if (parsed.Error is { } error)
        {
            return Refused(IngestProblems.FromPayloadError(error, reader.Limits));
        }

        var filtered = TenantFilter.Apply(parsed, caller);
        metrics.Forbidden(filtered.Forbidden);
        if (filtered.Allowed.Count == 0)
        {
            return Refused(filtered.Forbidden > 0 && filtered.Forbidden == filtered.Rejected.Count
                ? IngestProblems.ForbiddenTenant(filtered.Rejected)
                : IngestProblems.NoValidEvents(filtered.Rejected));
        }

        // Every event of the payload counts against the limit, valid or not: a flood of invalid events costs too.
        var decision = await rateLimiter.TakeAsync(client, parsed.Total).ConfigureAwait(false);
        WriteRateLimitHeaders(context.Response, decision);
        if (!decision.Allowed)
        {
            metrics.RateLimited(filtered.Allowed.Count);
            if (decision.RetryAfter != TimeSpan.MaxValue)
            {
                context.Response.Headers.RetryAfter = Seconds(decision.RetryAfter);
            }

            return Refused(IngestProblems.RateLimited(parsed.Total, decision.Limit, decision.RetryAfter));
        }

        var published = await publisher.PublishAsync(filtered.Allowed, receivedAt, context.RequestAborted).ConfigureAwait(false);
        var unpublished = published.Status switch
        {
            PublishStatus.Published => 0,
            PublishStatus.Partial => published.UnpublishedRanges!.Sum(r => r.Count),
            _ => filtered.Allowed.Count,
        };
        metrics.Published(filtered.Allowed.Count - unpublished, unpublished);
        switch (published.Status)
        {
            case PublishStatus.Unavailable:
                return Refused(RetryLater(context, IngestProblems.Unavailable(published.Reason ?? "the pipeline is unavailable")));
            case PublishStatus.Partial:
                context.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                var partial = PartialResponse(filtered, published);
                return new Outcome(StatusCodes.Status202Accepted, TypedResults.Accepted((string?)null, partial), partial);
            default:
                var accepted = new IngestResponse(filtered.Allowed.Count, filtered.Rejected);
                return new Outcome(StatusCodes.Status202Accepted, TypedResults.Accepted((string?)null, accepted), accepted);
        }
    }

    /// <summary>Events whose message the sidecar refused are reported as rejected under their request index, to be resent.</summary>
    private static IngestResponse PartialResponse(TenantFilter.Result filtered, PublishOutcome outcome)
    {
        var rejected = new List<RejectedEvent>(filtered.Rejected);
        var unpublished = 0;
        foreach (var range in outcome.UnpublishedRanges!)
        {
            for (var i = range.First; i < range.First + range.Count; i++)
            {
                rejected.Add(new RejectedEvent(filtered.AllowedIndexes[i], [new FieldError("", $"not published, resend this event: {outcome.Reason}")]));
            }

            unpublished += range.Count;
        }

        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestResponse(filtered.Allowed.Count - unpublished, rejected);
    }

    /// <summary>The rate-limit identity: the API key, or the remote address when authentication is off.</summary>
    private static string ClientId(HttpContext context, ApiKeyPrincipal caller)
        => caller == ApiKeyPrincipal.AuthDisabled
            ? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
            : "key:" + caller.KeyId;

    private void WriteRateLimitHeaders(HttpResponse response, RateLimitDecision decision)
    {
        if (!rateLimiter.Enabled)
        {
            return;
        }

        response.Headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = ((long)Math.Floor(decision.Remaining)).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Seconds(decision.ResetAfter);
        if (decision.Degraded)
        {
            response.Headers["RateLimit-Policy-Scope"] = "replica";
        }
    }

    private IResult RetryLater(HttpContext context, IResult problem)
    {
        context.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return problem;
    }

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static Outcome Refused(IResult result) => new(0, result, null);

    private sealed record Outcome(int Status, IResult Result, IngestResponse? Accepted);
}
