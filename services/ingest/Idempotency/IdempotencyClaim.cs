namespace LogDapr.Ingest.Idempotency;

public enum ClaimStatus
{
    /// <summary>This attempt holds the key: process the request, then complete, mark retryable or release the claim.</summary>
    Claimed,
    /// <summary>The key finished before with the same body: answer with the stored response, publish nothing.</summary>
    Replay,
    /// <summary>The key was used with a different body.</summary>
    Mismatch,
    /// <summary>Another attempt with this key is still being processed.</summary>
    InFlight,
    /// <summary>The state store did not answer in time: idempotency cannot be guaranteed, so the request is refused.</summary>
    Unavailable,
}

/// <param name="Record">The record as this attempt wrote it (Claimed) or found it (Replay, Mismatch, InFlight).</param>
/// <param name="ETag">The record's ETag when claimed: every later write of this attempt must carry it.</param>
/// <param name="TakenOver">
/// Claimed from an earlier attempt, which may have published: the key must then never be freed (another body under
/// it would get the same message ids), only marked retryable again.
/// </param>
public sealed record IdempotencyClaim(
    ClaimStatus Status, string StateKey, IdempotencyRecord? Record = null, string? ETag = null, string? Error = null, bool TakenOver = false);
