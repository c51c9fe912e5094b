using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Contracts.CloudEvents;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>
/// Builds the CloudEvent a replay publishes. It keeps the dead letter's CloudEvent id, so replaying the same
/// dead letter any number of times counts it at most once; corrected data, when given, replaces the original.
/// Pure.
/// </summary>
public static class ReplayMessage
{
    /// <returns>The CloudEvent JSON, or null with <paramref name="error"/> when there is nothing publishable.</returns>
    public static byte[]? Build(DeadLetter deadLetter, JsonNode? correctedData, DateTimeOffset now, out string? error)
    {
        error = null;
        JsonObject? cloudEvent = null;
        try
        {
            cloudEvent = JsonNode.Parse(deadLetter.Payload) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (cloudEvent is null || !cloudEvent.ContainsKey(CloudEventAttributes.SpecVersion))
        {
            if (correctedData is null)
            {
                error = "the dead letter's payload is not a CloudEvent; replay it with corrected data in the request body ({\"data\": ...})";
                return null;
            }

            // Keep the dead letter's message id so the replayed message is de-duplicated like the original.
            cloudEvent = new JsonObject
            {
                [CloudEventAttributes.SpecVersion] = CloudEventAttributes.SpecVersion1,
                [CloudEventAttributes.Id] = deadLetter.MessageId,
                [CloudEventAttributes.Source] = "logdapr/replay",
                [CloudEventAttributes.Type] = CloudEventTypes.LogBatch,
                [CloudEventAttributes.Time] = now.UtcDateTime,
            };
        }

        if (correctedData is not null)
        {
            cloudEvent.Remove(CloudEventAttributes.DataBase64);
            cloudEvent[CloudEventAttributes.Data] = correctedData.DeepClone();
            cloudEvent[CloudEventAttributes.DataContentType] = CloudEventTypes.JsonContentType;
        }

        // Broker-specific routing fields of the original delivery do not belong in a new publish.
        foreach (var field in new[] { CloudEventAttributes.Topic, CloudEventAttributes.PubSubName, CloudEventAttributes.TraceId, CloudEventAttributes.TraceParent, CloudEventAttributes.TraceState })
        {
            cloudEvent.Remove(field);
        }

        return JsonSerializer.SerializeToUtf8Bytes(cloudEvent);
    }
}
