using System.Text.Json;
using LogDapr.Configuration.Ingest;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Observability;
using LogDapr.Ingest.Publishing;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// The steps every protocol shares once its body is read and decoded into LogEvent v1 JSON or NDJSON: validation (one
/// reader, one field mapping, one set of limits), tenant check, idempotency claim (only an authorized caller gets a
/// stored answer), rate limit (in events), publish. Every refusal before the publish leaves nothing behind; after a
/// publish that was not confirmed, a retry is counted once when the messages' ids are derived (Idempotency-Key or
/// event ids), see <see cref="MessageIdScheme"/>. Protocols differ only in decoding and in how they render the
/// <see cref="IntakeOutcome"/>.
/// </summary>
internal sealed class LogIntake(
    LogEventReader reader,
    EventPublisher publisher,
    ClientRateLimiter rateLimiter,
    IdempotencyStore idempotency,
    RequestSlots slots,
    IOptions<IngestOptions> options,
    IOptions<JsonOptions> json,
    IngestMetrics metrics,
    TimeProvider time)
{
    private readonly IngestOptions settings = options.Value;
    private readonly JsonSerializerOptions serializer = json.Value.SerializerOptions;

    public LogEventLimits Limits => reader.Limits;

    /// <summary>Ingest:RetryAfterSeconds, the delay every "retry later" answer names.</summary>
    public TimeSpan RetryAfter => TimeSpan.FromSeconds(settings.RetryAfterSeconds);

    /// <summary>One of the replica's work slots (Ingest:MaxConcurrentRequests); take one before <see cref="RunAsync"/> and give it to the request.</summary>
    public RequestSlot TryTakeSlot() => slots.TryTake();

    /// <summary>The answer when no request slot or body memory was free.</summary>
    public IntakeOutcome.RetryLater Overloaded() => new(RetryReason.Overloaded,
        "This replica is at its limit of requests or body memory in flight; nothing was accepted.", RetryAfter);

    /// <summary>The rate-limit bucket: the caller's identity (tenant and key id), or the remote address when authentication is off.</summary>
    public static string RateLimitClient(HttpContext context, ApiKeyPrincipal caller)
        => caller == ApiKeyPrincipal.AuthDisabled
            ? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
            : "key:" + caller.Identity;

    /// <param name="cancellationToken">The client's; it stops waiting for the idempotency store, never the publish.</param>
    public async Task<IntakeOutcome> RunAsync(IntakeRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Caller;
        var protocol = request.Protocol;
        var receivedAt = time.GetUtcNow();
        var keyed = request.IdempotencyKey is null
            ? ((string Identity, string Key, string Fingerprint)?)null
            : (caller.Identity, request.IdempotencyKey, IdempotencyStore.Fingerprint(caller.Identity, request.FingerprintContentType, request.Payload.Span));
        var parsed = Read(request, receivedAt, keyed);
        try
        {
            var filtered = parsed.Error is null ? TenantFilter.Apply(parsed, caller) : null;
            if (parsed.Error is not null || filtered!.Allowed.Count == 0)
            {
                return Refuse(parsed, filtered, request);
            }

            IdempotencyClaim? claim = null;
            if (keyed is { } key)
            {
                // After validation and the tenant check: a stored answer goes only to a caller allowed to send this body.
                claim = await idempotency.ClaimAsync(key.Identity, key.Key, key.Fingerprint, receivedAt, cancellationToken).ConfigureAwait(false);
                switch (claim.Status)
                {
                    case ClaimStatus.Replay:
                        return new IntakeOutcome.Replayed(claim.Record!.Status, claim.Record.Body);
                    case ClaimStatus.Mismatch:
                        return new IntakeOutcome.KeyReused();
                    case ClaimStatus.InFlight:
                        return new IntakeOutcome.RetryLater(RetryReason.IdempotencyKeyInFlight,
                            "A request with this Idempotency-Key is still being processed.", RetryAfter);
                    case ClaimStatus.Unavailable:
                        return new IntakeOutcome.RetryLater(RetryReason.IdempotencyStoreUnavailable,
                            $"the idempotency store is unavailable ({claim.Error})", RetryAfter);
                }

                if (claim.Record!.FirstReceivedAt != receivedAt)
                {
                    // An earlier attempt left the key: read the body as it did, so defaults and ids come out the same.
                    receivedAt = claim.Record.FirstReceivedAt;
                    parsed.Dispose();
                    parsed = Read(request, receivedAt, keyed);
                    filtered = parsed.Error is null ? TenantFilter.Apply(parsed, caller) : null;
                    if (parsed.Error is not null || filtered!.Allowed.Count == 0)
                    {
                        await idempotency.ReleaseAsync(claim).ConfigureAwait(false);
                        return Refuse(parsed, filtered, request);
                    }
                }
            }

            metrics.Parsed(parsed, protocol);
            metrics.Forbidden(filtered.Forbidden, protocol);

            // From here the request waits on I/O (the rate limiter, the broker): it gives its work slot to the next one.
            if (!request.Slot.TryAwaitPublish())
            {
                if (claim is not null)
                {
                    await idempotency.ReleaseAsync(claim).ConfigureAwait(false);
                }

                return Overloaded();
            }

            // Every event of the payload counts against the limit, valid or not: a flood of invalid events costs too.
            var decision = await rateLimiter.TakeAsync(request.RateLimitClient, parsed.Total).ConfigureAwait(false);
            RateLimitDecision? shown = rateLimiter.Enabled ? decision : null;
            if (!decision.Allowed)
            {
                metrics.RateLimited(filtered.Allowed.Count, protocol);
                if (claim is not null)
                {
                    await idempotency.ReleaseAsync(claim).ConfigureAwait(false);
                }

                return new IntakeOutcome.RateLimited(parsed.Total, decision.Limit, decision.RetryAfter) { RateLimit = shown };
            }

            var ids = MessageIdScheme.Choose(keyed, filtered.Allowed);
            // Not cancelled when the client goes away: the outcome is still recorded for its retry.
            var published = await publisher.PublishAsync(filtered.Allowed, receivedAt, ids, CancellationToken.None).ConfigureAwait(false);
            if (!published.IsPublished)
            {
                metrics.Published(0, filtered.Allowed.Count, protocol);
                if (claim is not null)
                {
                    await idempotency.MarkRetryableAsync(claim).ConfigureAwait(false);
                }

                return new IntakeOutcome.RetryLater(RetryReason.NotConfirmed, published.Reason!, RetryAfter, ids.Name) { RateLimit = shown };
            }

            metrics.Published(filtered.Allowed.Count, 0, protocol);
            var accepted = IngestResponse.Of(filtered.Allowed.Count, RejectionSummary.Of(filtered.Rejected, DetailLimit(request)));
            if (claim is not null)
            {
                // Stored as the JSON API's 202 body whatever the protocol: a replay renders it in the request's protocol.
                await idempotency.CompleteAsync(claim, StatusCodes.Status202Accepted, JsonSerializer.Serialize(accepted, serializer)).ConfigureAwait(false);
            }

            return new IntakeOutcome.Accepted(accepted) { RateLimit = shown };
        }
        finally
        {
            // The accepted events' buffers: by now every message was built from them, or nothing is published.
            parsed.Dispose();
        }
    }

    /// <summary>
    /// Reads the payload; with an Idempotency-Key, events without an id get one derived from the key and their position.
    /// Events without tenant_id get the key's tenant; an admin key has none to give, so they must name it.
    /// </summary>
    private EncodedParseResult Read(IntakeRequest request, DateTimeOffset receivedAt, (string Identity, string Key, string Fingerprint)? keyed)
    {
        Func<int, string>? newEventId = keyed is { } k ? index => MessageIds.ForKeyedEvent(k.Identity, k.Key, k.Fingerprint, index) : null;
        return request.Decoded is { } decoded
            ? EncodedParseResult.From(decoded.Read(reader, receivedAt, newEventId, DefaultTenant(request.Caller)))
            : reader.Encode(request.Payload.Span, request.Format, receivedAt, newEventId, DefaultTenant(request.Caller));
    }

    private string? DefaultTenant(ApiKeyPrincipal caller)
    {
        var tenant = caller == ApiKeyPrincipal.AuthDisabled ? settings.DefaultTenant : caller.Tenant;
        // A key file whose name is no valid tenant id (or one over Ingest:MaxTenantIdLength) gives no default: such a
        // key cannot write any event anyway, and the events then fail on tenant_id like any other.
        return tenant is not null && TenantIds.Problem(tenant, reader.Limits.MaxTenantIdLength) is null ? tenant : null;
    }

    private int DetailLimit(IntakeRequest request) => request.EveryRejection ? int.MaxValue : settings.MaxRejectedDetails;

    private IntakeOutcome Refuse(EncodedParseResult parsed, TenantFilter.Result? filtered, IntakeRequest request)
    {
        var protocol = request.Protocol;
        metrics.Parsed(parsed, protocol);
        if (parsed.Error is { } error)
        {
            return new IntakeOutcome.PayloadRefused(error);
        }

        metrics.Forbidden(filtered!.Forbidden, protocol);
        var rejected = RejectionSummary.Of(filtered.Rejected, DetailLimit(request));
        return filtered.Forbidden > 0 && filtered.Forbidden == filtered.Rejected.Count
            ? new IntakeOutcome.ForbiddenTenant(rejected)
            : new IntakeOutcome.NoValidEvents(rejected);
    }
}
