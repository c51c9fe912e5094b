namespace LogDapr.Ingest.Idempotency;

public enum ClaimStatus
{
    /// <summary>This request owns the key: process it, then complete or release the claim.</summary>
    Claimed,
    /// <summary>The key finished before with the same body: answer with the stored response, publish nothing.</summary>
    Replay,
    /// <summary>The key was used with a different body.</summary>
    Mismatch,
    /// <summary>Another request with this key is still being processed.</summary>
    InFlight,
    /// <summary>The state store did not answer: idempotency cannot be guaranteed, so the request is refused.</summary>
    Unavailable,
}

public sealed record IdempotencyClaim(ClaimStatus Status, string StateKey, IdempotencyRecord? Record = null, string? Error = null);
