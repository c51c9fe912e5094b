using LogDapr.Aggregator.Decoding;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>What a role does with the messages of one delivery of the logs topic: counting them, or storing them.</summary>
public interface ILogsDeliveryProcessor
{
    /// <returns>A status for every entry id of <paramref name="messages"/>.</returns>
    Task<Dictionary<string, DeliveryStatus>> ProcessAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken);
}
