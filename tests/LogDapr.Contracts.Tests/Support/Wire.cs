using System.Globalization;
using System.Text;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests.Support;

/// <summary>Builds payloads and reads them with a fixed receive time.</summary>
internal static class Wire
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    public static readonly LogEventReader Reader = new(LogEventLimits.Default);

    /// <summary>A minimal valid event; each test changes one field of it.</summary>
    public static readonly (string Name, string Raw)[] BaseFields =
    [
        ("tenant_id", "\"acme\""),
        ("service", "\"checkout\""),
        ("severity", "\"info\""),
        ("message", "\"hello\""),
    ];

    public static ParseResult Read(string payload, PayloadFormat format = PayloadFormat.Json, LogEventLimits? limits = null) =>
        Read(Encoding.UTF8.GetBytes(payload), format, limits);

    public static ParseResult Read(byte[] payload, PayloadFormat format = PayloadFormat.Json, LogEventLimits? limits = null) =>
        (limits is null ? Reader : new LogEventReader(limits)).Read(payload, format, ReceivedAt);

    /// <summary>The base event with <paramref name="field"/> set to raw JSON (null: removed).</summary>
    public static string Event(string field, string? raw) => Event((field, raw));

    public static string Event(params (string Name, string? Raw)[] changes)
    {
        var fields = BaseFields.Select(f => (f.Name, Raw: (string?)f.Raw)).ToList();
        foreach (var (name, raw) in changes)
        {
            int i = fields.FindIndex(f => f.Name == name);
            if (i >= 0)
            {
                fields[i] = (name, raw);
            }
            else
            {
                fields.Add((name, raw));
            }
        }
        return "{" + string.Join(",", fields.Where(f => f.Raw is not null).Select(f => $"\"{f.Name}\":{f.Raw}")) + "}";
    }

    public static LogEvent Accepted(string payload, LogEventLimits? limits = null)
    {
        var result = Read(payload, limits: limits);
        Assert.Null(result.Error);
        Assert.True(result.Rejected.Count == 0, "unexpectedly rejected: " + Describe(result.Rejected));
        return Assert.Single(result.Accepted);
    }

    public static IReadOnlyList<FieldError> Rejected(string payload, LogEventLimits? limits = null)
    {
        var result = Read(payload, limits: limits);
        Assert.Null(result.Error);
        Assert.Empty(result.Accepted);
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(0, rejected.Index);
        Assert.NotEmpty(rejected.Errors);
        return rejected.Errors;
    }

    public static string Describe(IEnumerable<RejectedEvent> rejected) =>
        string.Join("; ", rejected.SelectMany(r => r.Errors.Select(e => $"#{r.Index} {e.Field}: {e.Message}")));

    /// <summary>A JSON string literal; every non-ASCII or control char is \u-escaped, so lone surrogates survive.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case < ' ' or > '~': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static void AssertSameEvent(LogEvent expected, LogEvent actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.Timestamp.UtcTicks, actual.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.Timestamp.Offset);
        Assert.Equal(expected.Severity, actual.Severity);
        Assert.Equal(expected.Service, actual.Service);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.Attributes, actual.Attributes);
        Assert.Equal(expected.TraceId, actual.TraceId);
        Assert.Equal(expected.SpanId, actual.SpanId);
        Assert.Equal(expected.Host, actual.Host);
    }

    public static string WriteBatch(IReadOnlyList<LogEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            LogEventWriter.WriteBatch(writer, events, 0, events.Count);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string WriteEvent(LogEvent logEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            LogEventWriter.WriteEvent(writer, logEvent);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
