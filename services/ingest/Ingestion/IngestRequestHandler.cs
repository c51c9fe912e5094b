using System.Globalization;
using System.Text.Json;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Backpressure;
using LogDapr.Configuration.Ingest;
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
/// One POST /v1/logs, in order: media type, body read (bounded in bytes, memory and time), a request slot,
/// validation, tenant check, idempotency claim (only an authorized caller gets a stored answer), rate limit (in
/// events), publish, and only then the answer. Every refusal before the publish leaves nothing behind; after a
/// publish that was not confirmed, a retry is counted once when the messages' ids are derived (Idempotency-Key or
/// event ids), see <see cref="MessageIdScheme"/>.
/// </summary>
internal sealed partial class IngestRequestHandler(
    LogEventReader reader,
    EventPublisher publisher,
    ClientRateLimiter rateLimiter,
    IdempotencyStore idempotency,
    BodyBudget budget,
    RequestSlots slots,
    IOptions<IngestOptions> options,
    IOptions<JsonOptions> json,
    IngestMetrics metrics,
    TimeProvider time,
    ILogger<IngestRequestHandler> logger)
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

        if (PayloadFormats.UnsupportedCharset(request.ContentType) is { } charset)
        {
            return IngestProblems.UnsupportedCharset(charset);
        }

        var idempotencyKey = request.Headers[IdempotencyStore.HeaderName].ToString();
        if (request.Headers.ContainsKey(IdempotencyStore.HeaderName) && !IdempotencyStore.IsValidKey(idempotencyKey))
        {
            return IngestProblems.InvalidIdempotencyKey();
        }

        var (refusal, read) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        using var body = read!;
        using var slot = slots.TryTake();
        if (!slot.IsAcquired)
        {
            return RetryLater(context, IngestProblems.Overloaded());
        }

        return await ProcessAsync(context, format.Value, body, idempotencyKey.Length > 0 ? idempotencyKey : null).ConfigureAwait(false);
    }

    private async Task<IResult> ProcessAsync(HttpContext context, PayloadFormat format, PooledBody body, string? idempotencyKey)
    {
        var caller = context.ApiKey();
        var receivedAt = time.GetUtcNow();
        var keyed = idempotencyKey is null
            ? ((string Identity, string Key, string Fingerprint)?)null
            : (caller.Identity, idempotencyKey, IdempotencyStore.Fingerprint(caller.Identity, context.Request.ContentType, body.Span));
        var parsed = Read(body, format, receivedAt, keyed, caller);
        var filtered = parsed.Error is null ? TenantFilter.Apply(parsed, caller) : null;
        if (parsed.Error is not null || filtered!.Allowed.Count == 0)
        {
            return Refuse(parsed, filtered);
        }

        IdempotencyClaim? claim = null;
        if (keyed is { } key)
        {
            // After validation and the tenant check: a stored answer goes only to a caller allowed to send this body.
            claim = await idempotency.ClaimAsync(key.Identity, key.Key, key.Fingerprint, receivedAt, context.RequestAborted).ConfigureAwait(false);
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

            if (claim.Record!.FirstReceivedAt != receivedAt)
            {
                // An earlier attempt left the key: read the body as it did, so defaults and ids come out the same.
                receivedAt = claim.Record.FirstReceivedAt;
                parsed = Read(body, format, receivedAt, keyed, caller);
                filtered = parsed.Error is null ? TenantFilter.Apply(parsed, caller) : null;
                if (parsed.Error is not null || filtered!.Allowed.Count == 0)
                {
                    await idempotency.ReleaseAsync(claim).ConfigureAwait(false);
                    return Refuse(parsed, filtered);
                }
            }
        }

        metrics.Parsed(parsed);
        metrics.Forbidden(filtered.Forbidden);

        // Every event of the payload counts against the limit, valid or not: a flood of invalid events costs too.
        var decision = await rateLimiter.TakeAsync(RateLimitClient(context, caller), parsed.Total).ConfigureAwait(false);
        WriteRateLimitHeaders(context.Response, decision);
        if (!decision.Allowed)
        {
            metrics.RateLimited(filtered.Allowed.Count);
            if (claim is not null)
            {
                await idempotency.ReleaseAsync(claim).ConfigureAwait(false);
            }

            if (decision.RetryAfter != TimeSpan.MaxValue)
            {
                context.Response.Headers.RetryAfter = Seconds(decision.RetryAfter);
            }

            return IngestProblems.RateLimited(parsed.Total, decision.Limit, decision.RetryAfter);
        }

        var ids = MessageIdScheme.Choose(keyed, filtered.Allowed);
        // Not cancelled when the client goes away: the outcome is still recorded for its retry.
        var published = await publisher.PublishAsync(filtered.Allowed, receivedAt, ids, CancellationToken.None).ConfigureAwait(false);
        if (!published.IsPublished)
        {
            metrics.Published(0, filtered.Allowed.Count);
            if (claim is not null)
            {
                await idempotency.MarkRetryableAsync(claim).ConfigureAwait(false);
            }

            return RetryLater(context, IngestProblems.NotConfirmed(published.Reason!, ids.Name));
        }

        metrics.Published(filtered.Allowed.Count, 0);
        var accepted = IngestResponse.Of(filtered.Allowed.Count, RejectionSummary.Of(filtered.Rejected, settings.MaxRejectedDetails));
        if (claim is not null)
        {
            await idempotency.CompleteAsync(claim, StatusCodes.Status202Accepted, JsonSerializer.Serialize(accepted, serializer)).ConfigureAwait(false);
        }

        return TypedResults.Accepted((string?)null, accepted);
    }

    /// <summary>
    /// Reads the payload; with an Idempotency-Key, events without an id get one derived from the key and their position.
    /// Events without tenant_id get the key's tenant; an admin key has none to give, so they must name it.
    /// </summary>
    private ParseResult Read(PooledBody body, PayloadFormat format, DateTimeOffset receivedAt, (string Identity, string Key, string Fingerprint)? keyed,
        ApiKeyPrincipal caller)
        => reader.Read(body.Span, format, receivedAt,
            keyed is { } k ? index => MessageIds.ForKeyedEvent(k.Identity, k.Key, k.Fingerprint, index) : null,
            DefaultTenant(caller));

    private string? DefaultTenant(ApiKeyPrincipal caller)
    {
        var tenant = caller == ApiKeyPrincipal.AuthDisabled ? settings.DefaultTenant : caller.Tenant;
        // A key file whose name is no valid tenant id (or one over Ingest:MaxTenantIdLength) gives no default: such a
        // key cannot write any event anyway, and the events then fail on tenant_id like any other.
        return tenant is not null && TenantIds.Problem(tenant, reader.Limits.MaxTenantIdLength) is null ? tenant : null;
    }

    private IResult Refuse(ParseResult parsed, TenantFilter.Result? filtered)
    {
        metrics.Parsed(parsed);
        if (parsed.Error is { } error)
        {
            return IngestProblems.FromPayloadError(error, reader.Limits);
        }

        metrics.Forbidden(filtered!.Forbidden);
        var rejected = RejectionSummary.Of(filtered.Rejected, settings.MaxRejectedDetails);
        return filtered.Forbidden > 0 && filtered.Forbidden == filtered.Rejected.Count
            ? IngestProblems.ForbiddenTenant(rejected)
            : IngestProblems.NoValidEvents(rejected);
    }

    /// <summary>
    /// Reads the body within Ingest:MaxBodyReadTime. A body that ends early, stalls or trickles is the client's
    /// fault: 400 or 408, and the connection is closed after the answer (what is left of the body is not read).
    /// </summary>
    private async Task<(IResult? Refusal, PooledBody? Body)> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        using var deadline = new CancellationTokenSource(settings.MaxBodyReadTime, time);
        using var readCancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        BodyReadResult read;
        try
        {
            read = await RequestBodyReader.ReadAsync(request, settings.MaxBodyBytes, readCancellation.Token, budget).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits: the size cap, its minimum data rate (408), a body that ended before its length (400).
            LogBodyNotRead(logger, ex.Message);
            return (CloseAfter(context, ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => IngestProblems.BodyTooLarge(settings.MaxBodyBytes),
                StatusCodes.Status408RequestTimeout => IngestProblems.BodyTooSlow(ex.Message),
                _ => IngestProblems.IncompleteBody(ex.Message),
            }), null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            LogBodyNotRead(logger, $"not complete within {settings.MaxBodyReadTime}");
            return (CloseAfter(context, IngestProblems.BodyTimedOut(settings.MaxBodyReadTime)), null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away mid-body; the answer is for the metrics and logs, it will not reach anyone.
            LogBodyNotRead(logger, "the connection closed before the body was complete");
            return (CloseAfter(context, IngestProblems.IncompleteBody("the connection closed before the body was complete")), null);
        }

        return read.Status switch
        {
            BodyReadStatus.Ok => (null, read.Body),
            BodyReadStatus.TooLarge => (IngestProblems.BodyTooLarge(settings.MaxBodyBytes), null),
            BodyReadStatus.UnsupportedEncoding => (IngestProblems.UnsupportedEncoding(read.Encoding!), null),
            BodyReadStatus.CorruptEncoding => (IngestProblems.CorruptEncoding(read.Encoding!), null),
            _ => (RetryLater(context, IngestProblems.Overloaded()), null),
        };
    }

    private static IResult CloseAfter(HttpContext context, IResult problem)
    {
        context.Response.Headers.Connection = "close";
        return problem;
    }

    /// <summary>The rate-limit bucket: the caller's identity (tenant and key id), or the remote address when authentication is off.</summary>
    private static string RateLimitClient(HttpContext context, ApiKeyPrincipal caller)
        => caller == ApiKeyPrincipal.AuthDisabled
            ? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
            : "key:" + caller.Identity;

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request body not read: {Reason}")]
    private static partial void LogBodyNotRead(ILogger logger, string reason);
}
