namespace LogDapr.Contracts.Events;

/// <summary>
/// The CloudEvents distributed-tracing extension as Dapr uses it: <c>traceparent</c> and <c>tracestate</c> hold the
/// W3C trace context of the publish; Dapr also writes <c>traceid</c> with the traceparent value, and keeps an event's
/// own context when <c>traceid</c> is already present, so producers set both.
/// </summary>
public static class CloudEventTrace
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string TraceId = "traceid";
}
