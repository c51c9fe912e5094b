namespace LogDapr.Ingest.Intake;

/// <summary>Why a request should be sent again later, unchanged.</summary>
public enum RetryReason
{
    /// <summary>The replica is at its limit of requests or body memory in flight; nothing was read.</summary>
    Overloaded,

    /// <summary>The publish was not confirmed; part of it may have reached the broker.</summary>
    NotConfirmed,

    /// <summary>A request with the same Idempotency-Key is still being processed.</summary>
    IdempotencyKeyInFlight,

    /// <summary>The idempotency store could not be reached; nothing was published.</summary>
    IdempotencyStoreUnavailable,
}
