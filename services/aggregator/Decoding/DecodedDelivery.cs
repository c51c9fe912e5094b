namespace LogDapr.Aggregator.Decoding;

/// <summary>The messages of one delivery, and whether Dapr sent them in bulk (which decides the response shape).</summary>
public sealed record DecodedDelivery(bool IsBulk, IReadOnlyList<DecodedMessage> Messages);
