using LogDapr.Contracts.Events;

namespace LogDapr.Processing.Tests.Support;

internal static class Events
{
    public static LogEvent Make(
        string id = "evt-1",
        Severity severity = Severity.Info,
        string service = "api",
        string message = "hello",
        string? host = "node-1",
        string tenant = "acme",
        string? traceId = null,
        params (string Key, string Value)[] attributes) => new()
        {
            Id = id,
            TenantId = tenant,
            Timestamp = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero),
            Severity = severity,
            Service = service,
            Message = message,
            Host = host,
            TraceId = traceId,
            Attributes = Array.ConvertAll(attributes, a => new KeyValuePair<string, string>(a.Key, a.Value)),
        };

    public static Dictionary<string, string> Attributes(LogEvent e)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in e.Attributes)
        {
            map.Add(key, value);
        }
        return map;
    }
}
