using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LogDapr.LocalRunner.Demo;

/// <summary>
/// Demo traffic in every shape ingest accepts: single events, JSON arrays, {"events":[...]} and NDJSON, over a
/// few tenants and services, spread over the last minutes, with a few invalid events mixed in.
/// </summary>
public sealed class SampleTraffic(int seed)
{
    private static readonly string[] Tenants = ["acme", "globex", "initech"];
    private static readonly string[] Services = ["checkout", "payments", "search", "auth"];
    private static readonly (string Severity, int Weight)[] Severities =
        [("debug", 10), ("INFO", 50), ("warning", 15), ("error", 8), ("err", 2), ("Fatal", 1), ("17", 2), ("syslog:6", 12)];

    private readonly Random random = new(seed);

    public sealed record Request(string Body, string ContentType, int ValidEvents, int InvalidEvents, string Shape);

    public IEnumerable<Request> Generate(int totalEvents, DateTimeOffset now)
    {
        var sent = 0;
        var shape = 0;
        while (sent < totalEvents)
        {
            var size = Math.Min(totalEvents - sent, shape % 4 == 0 ? 1 : random.Next(20, 400));
            var invalid = size > 10 && random.Next(4) == 0 ? 1 : 0;
            var events = Enumerable.Range(0, size).Select(i => Event(now, invalid: i == size / 2 && invalid == 1)).ToList();
            yield return (shape % 4) switch
            {
                0 => new Request(events[0], "application/json", 1, 0, "single event"),
                1 => new Request("[" + string.Join(',', events) + "]", "application/json", size - invalid, invalid, "JSON array"),
                2 => new Request("{\"events\":[" + string.Join(',', events) + "]}", "application/json", size - invalid, invalid, "{\"events\":[...]}"),
                _ => new Request(string.Join('\n', events) + "\n", "application/x-ndjson", size - invalid, invalid, "NDJSON"),
            };
            sent += size - (shape % 4 == 0 ? 0 : invalid);
            shape++;
        }
    }

    private string Event(DateTimeOffset now, bool invalid)
    {
        var timestamp = now - TimeSpan.FromSeconds(random.Next(0, 240));
        var tenant = Tenants[random.Next(Tenants.Length)];
        var service = Services[random.Next(Services.Length)];
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tenant_id", tenant);
            writer.WriteString("service", service);
            writer.WriteString("timestamp", timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            if (invalid)
            {
                writer.WriteString("severity", "loud");
            }
            else
            {
                var severity = PickSeverity();
                if (int.TryParse(severity, out var number))
                {
                    writer.WriteNumber("severity", number);
                }
                else
                {
                    writer.WriteString("severity", severity);
                }
            }

            writer.WriteString("message", $"{service} handled request {random.Next(100000)}");
            writer.WriteString("host", $"node-{random.Next(1, 4)}");
            writer.WriteStartObject("attributes");
            writer.WriteString("region", random.Next(2) == 0 ? "eu-west-1" : "us-east-1");
            writer.WriteNumber("duration_ms", random.Next(1, 900));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private string PickSeverity()
    {
        var roll = random.Next(Severities.Sum(s => s.Weight));
        foreach (var (severity, weight) in Severities)
        {
            if ((roll -= weight) < 0)
            {
                return severity;
            }
        }

        return "info";
    }
}
