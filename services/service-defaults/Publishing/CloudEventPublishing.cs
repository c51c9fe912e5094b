using Dapr.Client;
using LogDapr.Contracts.CloudEvents;

namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>How ingest and the processor hand built CloudEvents to the sidecar: one call for the whole list.</summary>
public static class CloudEventPublishing
{
    /// <summary>
    /// One message goes as its envelope's bytes (application/cloudevents+json, so the sidecar keeps our id); more go as
    /// one bulk publish. The bytes are the ones the message was sized on: the SDK's generic publish would run them
    /// through its JSON serializer into a second copy first.
    /// </summary>
    public static Task PublishAsync(this DaprClient dapr, string pubSubName, string topic, IReadOnlyList<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Count == 1
            ? dapr.PublishByteEventAsync(pubSubName, topic, messages[0].Envelope, CloudEventTypes.CloudEventContentType, cancellationToken: cancellationToken)
            : dapr.BulkPublishEventAsync(pubSubName, topic, messages, metadata: null, cancellationToken);
    }
}
