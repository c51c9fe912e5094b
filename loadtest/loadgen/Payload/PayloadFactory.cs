using System.Text;
using System.Text.Json;

namespace LogDapr.LoadGen.Payload;

/// <summary>
/// Builds the request templates of a run: realistic ~200-byte events (a few services, mostly info, some errors),
/// one tenant per request, a deterministic share of invalid events. Deterministic for a given seed.
/// </summary>
public static class PayloadFactory
{
    private const string TimestampPlaceholder = "0000-00-00T00:00:00.000Z";

    private static readonly string[] Services = ["checkout", "payments", "search", "auth", "inventory", "shipping"];
    private static readonly (string Severity, int Weight)[] Severities = [("info", 70), ("debug", 10), ("warn", 12), ("error", 7), ("fatal", 1)];
    private static readonly string[] Paths = ["/api/orders", "/api/cart", "/api/users", "/api/search", "/api/items", "/healthz"];
    private static readonly string[] Regions = ["eu-west-1", "us-east-1", "ap-south-1"];

    /// <summary>The ways an event is made invalid; each one is a different rule of LogEvent v1.</summary>
    private static readonly string[] InvalidKinds = ["severity", "tenant", "service", "timestamp"];

    public static IReadOnlyList<RequestTemplate> Build(PayloadOptions options)
    {
        options.Validate();
        var random = new Random(options.Seed);
        var templates = new List<RequestTemplate>(options.Tenants * options.TemplatesPerTenant);
        var invalidAccumulator = 0.0;
        // Interleaved by tenant so that cycling through the list rotates tenants request by request.
        for (var t = 0; t < options.TemplatesPerTenant; t++)
        {
            for (var tenant = 0; tenant < options.Tenants; tenant++)
            {
                var events = new List<GeneratedEvent>(options.EventsPerRequest);
                for (var i = 0; i < options.EventsPerRequest; i++)
                {
                    // Error diffusion rather than coin flips: the invalid share is exact over the templates.
                    invalidAccumulator += options.InvalidShare;
                    var invalid = invalidAccumulator >= 1.0;
                    if (invalid)
                    {
                        invalidAccumulator -= 1.0;
                    }

                    events.Add(NewEvent(random, options.TenantId(tenant), invalid ? InvalidKinds[random.Next(InvalidKinds.Length)] : null, options.EventBytes));
                }

                templates.Add(Assemble(tenant, events, options.EventsPerRequest == 1));
            }
        }

        return templates;
    }

    private static GeneratedEvent NewEvent(Random random, string tenantId, string? invalidKind, int targetBytes)
    {
        var service = Services[random.Next(Services.Length)];
        var severity = PickSeverity(random);
        var host = $"{service}-{random.Next(1, 9)}";
        var status = severity is "error" or "fatal" ? 500 + random.Next(4) : 200 + random.Next(5);
        var message = $"{Paths[random.Next(Paths.Length)]}/{random.Next(100_000)} {status} {random.Next(1, 900)}ms";
        var region = Regions[random.Next(Regions.Length)];

        var json = Serialize(tenantId, service, severity, host, message, region, invalidKind);
        var padding = targetBytes - Encoding.UTF8.GetByteCount(json);
        if (padding > 0)
        {
            message += " " + new string('x', Math.Max(0, padding - 1));
            json = Serialize(tenantId, service, severity, host, message, region, invalidKind);
        }

        return new GeneratedEvent(tenantId, service, severity, host, message, json, invalidKind is null);
    }

    private static string Serialize(string tenantId, string service, string severity, string host, string message, string region, string? invalidKind)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tenant_id", invalidKind == "tenant" ? "" : tenantId);
            if (invalidKind != "service")
            {
                writer.WriteString("service", service);
            }

            writer.WriteString("severity", invalidKind == "severity" ? "loud" : severity);
            writer.WriteString("timestamp", invalidKind == "timestamp" ? "yesterday, 5 pm" : TimestampPlaceholder);
            writer.WriteString("host", host);
            writer.WriteString("message", message);
            writer.WriteStartObject("attributes");
            writer.WriteString("region", region);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static RequestTemplate Assemble(int tenant, List<GeneratedEvent> events, bool single)
    {
        var text = single ? events[0].Json : "[" + string.Join(",", events.Select(e => e.Json)) + "]";
        var body = Encoding.UTF8.GetBytes(text);
        var placeholder = Encoding.UTF8.GetBytes(TimestampPlaceholder);
        var offsets = new List<int>(events.Count);
        var span = body.AsSpan();
        var at = 0;
        while (true)
        {
            var found = span[at..].IndexOf(placeholder);
            if (found < 0)
            {
                break;
            }

            offsets.Add(at + found);
            at += found + placeholder.Length;
        }

        return new RequestTemplate(tenant, body, [.. offsets], events);
    }

    private static string PickSeverity(Random random)
    {
        var roll = random.Next(100);
        foreach (var (severity, weight) in Severities)
        {
            if (roll < weight)
            {
                return severity;
            }

            roll -= weight;
        }

        return "info";
    }
}
