using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapr;
using Dapr.Client;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Idempotency;

/// <summary>
/// Idempotency keys in the Dapr state store. An attempt claims its key with a first-write save, so of any number of
/// concurrent attempts exactly one proceeds. Every later write of that attempt carries the claim's ETag (with
/// first-write concurrency): a key first written with FIRST_WRITE on state.redis refuses any write without one
/// (components-contrib v1.16.0 state/redis/redis.go, setDefaultQuery), and an ETag that no longer matches means another
/// attempt took the key over. A 202 is stored and repeated to retries; a publish that was not confirmed leaves the
/// key retryable (the publish may have reached the broker), and the retry takes it over with the first attempt's
/// receive time, so it publishes byte-identical messages with the same ids. Every call is bounded in time.
/// </summary>
public sealed partial class IdempotencyStore(
    DaprClient dapr,
    IOptions<PipelineOptions> pipeline,
    IOptions<IdempotencyOptions> options,
    TimeProvider time,
    ILogger<IdempotencyStore> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 255;

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly string store = pipeline.Value.StateStoreName;
    private readonly IdempotencyOptions settings = options.Value;

    /// <summary>A key is 1 to 255 printable ASCII characters.</summary>
    public static bool IsValidKey(string key) => key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    /// <summary>The request's identity: who sent it and exactly what was sent.</summary>
    public static string Fingerprint(string identity, string? contentType, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{identity}\n{contentType}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The state key: per caller identity (length-prefixed, so no identity and key pair can spell another's).</summary>
    public static string StateKey(string identity, string key)
        => $"idempotency|{identity.Length.ToString(CultureInfo.InvariantCulture)}:{identity}|{key}";

    /// <param name="receivedAt">This attempt's receive time; kept in the record unless an earlier attempt's is there.</param>
    public async Task<IdempotencyClaim> ClaimAsync(string identity, string key, string fingerprint, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var stateKey = StateKey(identity, key);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(settings.IdempotencyStoreTimeout);
        try
        {
            return await ClaimWithinAsync(stateKey, fingerprint, receivedAt, bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new IdempotencyClaim(ClaimStatus.Unavailable, stateKey, Error: $"the state store did not answer within {settings.IdempotencyStoreTimeout.TotalSeconds:0.###}s");
        }
        catch (DaprException ex)
        {
            return new IdempotencyClaim(ClaimStatus.Unavailable, stateKey, Error: Describe(ex));
        }
    }

    private async Task<IdempotencyClaim> ClaimWithinAsync(string stateKey, string fingerprint, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var tookOver = false;
        var fresh = new IdempotencyRecord(fingerprint, IdempotencyRecord.Pending, time.GetUtcNow(), receivedAt, token);
        await TryCreateAsync(stateKey, fresh, cancellationToken).ConfigureAwait(false);

        // A save does not return the new ETag, so the record is read back: it is this attempt's when it holds its token.
        for (var round = 0; round < 3; round++)
        {
            var (existing, etag) = await dapr.GetStateAndETagAsync<IdempotencyRecord?>(store, stateKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                // Expired between two calls; create it again.
                await TryCreateAsync(stateKey, fresh, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (existing.Claim == token)
            {
                return new IdempotencyClaim(ClaimStatus.Claimed, stateKey, existing, etag, TakenOver: tookOver);
            }

            if (existing.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(ClaimStatus.Mismatch, stateKey, existing);
            }

            if (existing.State == IdempotencyRecord.Done)
            {
                return new IdempotencyClaim(ClaimStatus.Replay, stateKey, existing);
            }

            var abandoned = existing.State == IdempotencyRecord.Pending && time.GetUtcNow() - existing.ClaimedAt > settings.IdempotencyClaimTimeout;
            if (existing.State != IdempotencyRecord.Retryable && !abandoned)
            {
                return new IdempotencyClaim(ClaimStatus.InFlight, stateKey, existing);
            }

            // Take the key over, keeping the first attempt's receive time so this attempt builds the same messages.
            var takeover = existing with { State = IdempotencyRecord.Pending, ClaimedAt = time.GetUtcNow(), ReceivedAt = existing.FirstReceivedAt, Claim = token };
            if (!await dapr.TrySaveStateAsync(store, stateKey, takeover, etag, FirstWrite, Ttl(), cancellationToken).ConfigureAwait(false))
            {
                // Another attempt took it over first.
                return new IdempotencyClaim(ClaimStatus.InFlight, stateKey, existing);
            }

            tookOver = true;
            LogTakenOver(logger, existing.State);
        }

        return new IdempotencyClaim(ClaimStatus.Unavailable, stateKey, Error: "the state store did not keep the claim");
    }

    private async Task TryCreateAsync(string stateKey, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.TrySaveStateAsync(store, stateKey, record, etag: "", FirstWrite, Ttl(), cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            // state.redis reports an existing first-write key as an error, not an ETag mismatch; reading it tells which.
            LogClaimError(logger, Describe(ex));
        }
    }

    /// <summary>Stores the 202 for retries. When it cannot, a retry waits for the claim timeout and then publishes the same messages again.</summary>
    public Task CompleteAsync(IdempotencyClaim claim, int status, string body)
        => UpdateAsync(claim, claim.Record! with { State = IdempotencyRecord.Done, Status = status, Body = body }, "record the accepted answer");

    /// <summary>The publish was not confirmed: the next attempt may take the key over at once.</summary>
    public Task MarkRetryableAsync(IdempotencyClaim claim)
        => UpdateAsync(claim, claim.Record! with { State = IdempotencyRecord.Retryable }, "mark the key retryable");

    /// <summary>
    /// Nothing was published by this attempt: a fresh key is freed, so it may be used again even with another body;
    /// a key taken over from an earlier attempt (which may have published) goes back to retryable instead.
    /// </summary>
    public async Task ReleaseAsync(IdempotencyClaim claim)
    {
        if (claim.TakenOver)
        {
            await MarkRetryableAsync(claim).ConfigureAwait(false);
            return;
        }

        using var bound = new CancellationTokenSource(settings.IdempotencyStoreTimeout, time);
        try
        {
            if (!await dapr.TryDeleteStateAsync(store, claim.StateKey, claim.ETag!, FirstWrite, cancellationToken: bound.Token).ConfigureAwait(false))
            {
                LogOvertaken(logger, "release the key");
            }
        }
        catch (Exception ex) when (ex is DaprException or OperationCanceledException)
        {
            LogFinishFailed(logger, "release the key", ex is DaprException daprError ? Describe(daprError) : "timed out");
        }
    }

    private async Task UpdateAsync(IdempotencyClaim claim, IdempotencyRecord record, string what)
    {
        using var bound = new CancellationTokenSource(settings.IdempotencyStoreTimeout, time);
        try
        {
            if (!await dapr.TrySaveStateAsync(store, claim.StateKey, record, claim.ETag!, FirstWrite, Ttl(), bound.Token).ConfigureAwait(false))
            {
                // A later attempt of the same request took the key over (this one outlived the claim timeout); its
                // record stands, and it publishes the same messages, so nothing is lost or counted twice.
                LogOvertaken(logger, what);
            }
        }
        catch (Exception ex) when (ex is DaprException or OperationCanceledException)
        {
            LogFinishFailed(logger, what, ex is DaprException daprError ? Describe(daprError) : "timed out");
        }
    }

    private Dictionary<string, string> Ttl() => new()
    {
        ["ttlInSeconds"] = ((long)settings.IdempotencyKeyTtl.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    private static string Describe(DaprException ex) => ex.InnerException?.Message ?? ex.Message;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idempotency claim not saved, checking the existing key: {Error}")]
    private static partial void LogClaimError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotency key taken over from an attempt that left it {State}; publishing the same messages again")]
    private static partial void LogTakenOver(ILogger logger, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not {What}: a later attempt of the same request holds the key now")]
    private static partial void LogOvertaken(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {What}: {Error}; a retry with this key waits for the claim timeout, then publishes the same messages (counted once)")]
    private static partial void LogFinishFailed(ILogger logger, string what, string error);
}
