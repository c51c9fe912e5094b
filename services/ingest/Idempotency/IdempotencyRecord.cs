using System.Text.Json.Serialization;

namespace LogDapr.Ingest.Idempotency;

/// <summary>
/// What the state store keeps per key: the request's fingerprint, when it was first received (so every attempt
/// builds the same messages), which attempt holds the key, and once finished, the response to repeat.
/// </summary>
public sealed record IdempotencyRecord(
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("claimedAt")] DateTimeOffset ClaimedAt,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset? ReceivedAt = null,
    [property: JsonPropertyName("claim")] string? Claim = null,
    [property: JsonPropertyName("status")] int? Status = null,
    [property: JsonPropertyName("body")] string? Body = null)
{
    /// <summary>An attempt is processing the request.</summary>
    public const string Pending = "pending";

    /// <summary>An attempt ended without a confirmed publish (503); the next attempt takes the key over at once.</summary>
    public const string Retryable = "retryable";

    /// <summary>The request was accepted; its answer is repeated to every retry.</summary>
    public const string Done = "done";

    /// <summary>The receive time every attempt uses (records written before it was kept fall back to the claim time).</summary>
    [JsonIgnore]
    public DateTimeOffset FirstReceivedAt => ReceivedAt ?? ClaimedAt;
}
