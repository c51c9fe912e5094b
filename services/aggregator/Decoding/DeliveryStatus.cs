namespace LogDapr.Aggregator.Decoding;

/// <summary>What the aggregator tells Dapr about one message (Dapr's SUCCESS / RETRY / DROP).</summary>
public enum DeliveryStatus
{
    /// <summary>Counted (or already counted before): remove it.</summary>
    Success,
    /// <summary>Could not be written now (sink down): deliver it again later.</summary>
    Retry,
    /// <summary>Can never be processed: Dapr moves it to the dead-letter topic.</summary>
    Drop,
}
