using System.Globalization;
using System.Security.Cryptography;
using Dapr;
using Dapr.Client;
using LogDapr.ServiceDefaults.Configuration;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Idempotency;

/// <summary>
/// Idempotency keys in the Dapr state store. A request claims its key with a first-write save, so of any number
/// of concurrent requests with one key exactly one proceeds; the outcome (202 and its body) is then stored for
/// the TTL and repeated to retries with the same body. Outcomes other than 202 release the key, so a retry after
/// a 503 can succeed.
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

    /// <summary>A key is 1 to 255 printable ASCII characters.</summary>
    public static bool IsValidKey(string key) => key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    /// <summary>The request's identity: who sent it and exactly what was sent.</summary>
    public static string Fingerprint(string client, string? contentType, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{client}\n{contentType}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public async Task<IdempotencyClaim> ClaimAsync(string client, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var stateKey = $"idempotency|{client}|{key}";
        var claim = new IdempotencyRecord(fingerprint, IdempotencyRecord.Pending, time.GetUtcNow());
        try
        {
            if (await dapr.TrySaveStateAsync(store, stateKey, claim, etag: "", FirstWrite, Ttl(), cancellationToken).ConfigureAwait(false))
            {
                return new IdempotencyClaim(ClaimStatus.Claimed, stateKey, claim);
            }
        }
        catch (DaprException ex)
        {
            // Some stores report an existing key as an error rather than an ETag mismatch; reading it tells which.
            LogClaimError(logger, ex.InnerException?.Message ?? ex.Message);
        }

        try
        {
            var (existing, etag) = await dapr.GetStateAndETagAsync<IdempotencyRecord?>(store, stateKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return new IdempotencyClaim(ClaimStatus.Unavailable, stateKey, Error: "the state store refused the claim");
            }

            if (existing.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(ClaimStatus.Mismatch, stateKey, existing);
            }

            if (existing.State == IdempotencyRecord.Done)
            {
                return new IdempotencyClaim(ClaimStatus.Replay, stateKey, existing);
            }

            if (time.GetUtcNow() - existing.ClaimedAt > options.Value.IdempotencyClaimTimeout
                && await dapr.TrySaveStateAsync(store, stateKey, claim, etag, FirstWrite, Ttl(), cancellationToken).ConfigureAwait(false))
            {
                // The first claimant never finished (its replica died); this request takes the key over.
                return new IdempotencyClaim(ClaimStatus.Claimed, stateKey, claim);
            }

            return new IdempotencyClaim(ClaimStatus.InFlight, stateKey, existing);
        }
        catch (DaprException ex)
        {
            return new IdempotencyClaim(ClaimStatus.Unavailable, stateKey, Error: ex.InnerException?.Message ?? ex.Message);
        }
    }

    /// <summary>Stores the final response for retries. A failure here only weakens the guarantee for this key, so it is logged, not thrown.</summary>
    public async Task CompleteAsync(IdempotencyClaim claim, int status, string body, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(store, claim.StateKey, claim.Record! with { State = IdempotencyRecord.Done, Status = status, Body = body },
                metadata: Ttl(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            LogCompleteFailed(logger, ex.InnerException?.Message ?? ex.Message);
        }
    }

    public async Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.DeleteStateAsync(store, claim.StateKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            LogReleaseFailed(logger, ex.InnerException?.Message ?? ex.Message);
        }
    }

    private Dictionary<string, string> Ttl() => new()
    {
        ["ttlInSeconds"] = ((long)options.Value.IdempotencyKeyTtl.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idempotency claim not saved, checking the existing key: {Error}")]
    private static partial void LogClaimError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store an idempotent response; a retry of that request would publish again: {Error}")]
    private static partial void LogCompleteFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release an idempotency key; retries with it wait for the claim timeout: {Error}")]
    private static partial void LogReleaseFailed(ILogger logger, string error);
}
