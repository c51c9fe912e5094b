using System.Text.Json.Serialization;
using LogDapr.Aggregator.Decoding;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>Dapr's app-response shapes: <c>{"status":..}</c> for one message, <c>{"statuses":[..]}</c> for bulk.</summary>
public static class DeliveryResponses
{
    public static string Wire(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Success => "SUCCESS",
        DeliveryStatus.Retry => "RETRY",
        _ => "DROP",
    };

    public static object For(DecodedDelivery delivery, IReadOnlyDictionary<string, DeliveryStatus> statuses)
    {
        if (!delivery.IsBulk)
        {
            return new SingleResponse(Wire(statuses.Values.Single()));
        }

        return new BulkResponse([.. delivery.Messages.Select(m => new BulkEntryResponse(m.EntryId, Wire(statuses[m.EntryId])))]);
    }

    public sealed record SingleResponse([property: JsonPropertyName("status")] string Status);

    public sealed record BulkResponse([property: JsonPropertyName("statuses")] IReadOnlyList<BulkEntryResponse> Statuses);

    public sealed record BulkEntryResponse(
        [property: JsonPropertyName("entryId")] string EntryId,
        [property: JsonPropertyName("status")] string Status);
}
