namespace LogDapr.Contracts.Events;

/// <summary>
/// JSON property names of LogEvent v1, and the names used in <see cref="FieldError.Field"/>. Consumers that map
/// rejections to their own messages (ingest's problem details, the dead-letter inspector) compare against these.
/// </summary>
public static class LogEventFields
{
    public const string Id = "id";
    public const string TenantId = "tenant_id";
    public const string Timestamp = "timestamp";
    public const string Severity = "severity";
    public const string Service = "service";
    public const string Message = "message";
    public const string Attributes = "attributes";
    public const string TraceId = "trace_id";
    public const string SpanId = "span_id";
    public const string Host = "host";

    /// <summary>The property of the batch wrapper <c>{"events":[...]}</c>.</summary>
    public const string Events = "events";

    /// <summary>The field of an error about the event as a whole (not an object, malformed NDJSON line).</summary>
    public const string WholeEvent = "$";

    /// <summary>The field of an error about one attribute, e.g. <c>attributes.env</c>.</summary>
    public static string Attribute(string key) => Attributes + "." + key;
}
