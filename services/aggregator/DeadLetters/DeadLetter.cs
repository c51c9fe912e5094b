namespace LogDapr.Aggregator.DeadLetters;

/// <summary>A dead letter as the API shows it. <c>Payload</c> is the message as delivered (usually a CloudEvent).</summary>
public sealed record DeadLetter(
    long Id,
    string MessageId,
    string? Topic,
    string Reason,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Attempts,
    int ReplayCount,
    DateTimeOffset? LastReplayedAt,
    string Payload,
    string? TenantId = null);
