using System.Buffers;
using System.Text;
using System.Text.Json;
using LogDapr.Contracts.Events;
using LogDapr.LoadGen.Payload;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>The inputs of the micro-benchmarks: the same generated events the load generator sends (all valid here).</summary>
internal static class BenchmarkData
{
    public const int EventsPerBatch = 500;
    public const int MessagesPerDelivery = 100;

    public static readonly DateTime Now = new(2026, 11, 22, 10, 0, 30, DateTimeKind.Utc);

    /// <summary>One ingest request body: a JSON array of 500 events of ~200 bytes.</summary>
    public static byte[] Batch(int tenants = 4)
    {
        var template = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = EventsPerBatch, Tenants = tenants, TenantPrefix = "bench", TemplatesPerTenant = 1 })[0];
        var body = new byte[template.Length];
        template.Render(body, Now);
        return body;
    }

    /// <summary>
    /// One bulk delivery as the sidecar POSTs it to the aggregator: 100 CloudEvents, each carrying one 500-event
    /// message exactly as ingest publishes it (read, normalized, ids assigned, written by LogEventWriter).
    /// </summary>
    public static byte[] BulkDelivery()
    {
        var templates = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = EventsPerBatch, Tenants = 4, TenantPrefix = "bench", TemplatesPerTenant = 4 });
        var text = new StringBuilder("{\"id\":\"bulk-1\",\"pubsubname\":\"logdapr-pubsub\",\"topic\":\"logs\",\"type\":\"com.dapr.event.sent\",\"metadata\":{},\"entries\":[");
        var buffer = new byte[templates.Max(t => t.Length)];
        for (var i = 0; i < MessagesPerDelivery; i++)
        {
            var template = templates[i % templates.Count];
            var length = template.Render(buffer, Now);
            var data = AsPublished(buffer.AsSpan(0, length));
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append("{\"entryId\":\"entry-").Append(i).Append("\",\"contentType\":\"application/cloudevents+json\",\"metadata\":{},\"event\":{")
                .Append("\"specversion\":\"1.0\",\"id\":\"0192f3a0-0000-7000-8000-").Append(i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture)).Append("\",")
                .Append("\"source\":\"logdapr/ingest\",\"type\":\"io.logdapr.logbatch.v1\",\"time\":\"2026-11-22T10:00:30Z\",")
                .Append("\"datacontenttype\":\"application/json\",\"topic\":\"logs\",\"pubsubname\":\"logdapr-pubsub\",\"data\":")
                .Append(data).Append("}}");
        }

        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    /// <summary>One message's data as ingest publishes it: the 500 events of <see cref="Batch"/>, normalized, with ids.</summary>
    public static byte[] PublishedMessage() => Encoding.UTF8.GetBytes(AsPublished(Batch()));

    private static string AsPublished(ReadOnlySpan<byte> request)
    {
        var events = new LogEventReader(LogEventLimits.Default).Read(request, PayloadFormat.Json, new DateTimeOffset(Now)).Accepted;
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            LogEventWriter.WriteBatch(writer, events, 0, events.Count);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
