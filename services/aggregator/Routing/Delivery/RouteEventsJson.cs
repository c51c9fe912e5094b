using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Routing.Delivery;

/// <summary>The body a route sends: <c>{"events":[...]}</c>, each event in the LogEvent v1 wire form.</summary>
public static class RouteEventsJson
{
    public static byte[] Write(IReadOnlyList<LogEvent> events, int start, int count)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LogEventWriter.WriteBatch(writer, events, start, count);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
