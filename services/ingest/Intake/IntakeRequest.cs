using LogDapr.Contracts.Events;
using LogDapr.Ingest.Backpressure;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// One request's payload as <see cref="LogIntake"/> takes it: LogEvent v1 JSON or NDJSON, or decoded records
/// (<see cref="IDecodedEvents"/>). A protocol other than the JSON API either transcodes its records into NDJSON, one
/// line per record in the protocol's order, so the reader's rejected index is the record's index, or builds the events
/// from its records directly with the same rules and indexes.
/// </summary>
/// <param name="Protocol">One of <see cref="IngestProtocol"/>: the metrics label.</param>
/// <param name="Caller">The authenticated API key (<see cref="ApiKeyPrincipal.AuthDisabled"/> when authentication is off).</param>
/// <param name="RateLimitClient">The rate-limit bucket (see <see cref="LogIntake.RateLimitClient"/>).</param>
/// <param name="FingerprintContentType">Part of the Idempotency-Key fingerprint: the same key with another content type is another request.</param>
/// <param name="IdempotencyKey">A valid Idempotency-Key, or null.</param>
/// <param name="EveryRejection">
/// Report every rejected event in the outcome, not only the first Ingest:MaxRejectedDetails: for a protocol that
/// answers per record (the Elasticsearch bulk API), where an unreported rejection would read as accepted.
/// </param>
/// <param name="Decoded">
/// Records that build their events directly; then <paramref name="Payload"/> is only the body the Idempotency-Key
/// fingerprint is taken of, and <paramref name="Format"/> is unused.
/// </param>
public sealed record IntakeRequest(
    string Protocol,
    ApiKeyPrincipal Caller,
    string RateLimitClient,
    ReadOnlyMemory<byte> Payload,
    PayloadFormat Format,
    string? FingerprintContentType,
    string? IdempotencyKey,
    bool EveryRejection = false,
    IDecodedEvents? Decoded = null)
{
    /// <summary>The request's work slot, which the intake trades for a place among requests awaiting the broker.</summary>
    public required RequestSlot Slot { get; init; }
}
