namespace LogDapr.Processing.Expressions;

/// <summary>The event fields an expression can read; <see cref="Attribute"/> names one attribute by key.</summary>
public enum EventField
{
    Id,
    TenantId,
    Service,
    Severity,
    Host,
    Message,
    TraceId,
    SpanId,
    Attribute,
}
