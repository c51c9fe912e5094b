using System.Text.Json.Serialization;

namespace LogDapr.Ingest.Idempotency;

/// <summary>What the state store keeps per key: the request's fingerprint, and once finished, the response to repeat.</summary>
public sealed record IdempotencyRecord(
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("claimedAt")] DateTimeOffset ClaimedAt,
    [property: JsonPropertyName("status")] int? Status = null,
    [property: JsonPropertyName("body")] string? Body = null)
{
    public const string Pending = "pending";
    public const string Done = "done";
}
