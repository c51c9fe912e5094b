using LogDapr.Contracts.Events;

namespace LogDapr.Processing.Expressions;

/// <summary>
/// What an expression reads an event through: the event as it is at the point of evaluation (transforms change
/// attributes before later conditions look at them). <c>null</c> means the field is absent.
/// </summary>
internal abstract class FieldSource
{
    public abstract Severity Severity { get; }

    /// <summary>A top-level field other than <see cref="EventField.Attribute"/>; severity as its wire name.</summary>
    public abstract string? GetField(EventField field);

    public abstract string? GetAttribute(string key);
}

/// <summary>Reads a <see cref="LogEvent"/> as it is (for evaluating a condition outside the processor).</summary>
internal sealed class LogEventFieldSource(LogEvent e) : FieldSource
{
    public override Severity Severity => e.Severity;

    public override string? GetField(EventField field) => Fields.Of(e, field);

    public override string? GetAttribute(string key)
    {
        var attributes = e.Attributes;
        for (int i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return attributes[i].Value;
            }
        }
        return null;
    }
}

internal static class Fields
{
    public static string? Of(LogEvent e, EventField field) => field switch
    {
        EventField.Id => e.Id,
        EventField.TenantId => e.TenantId,
        EventField.Service => e.Service,
        EventField.Severity => SeverityNames.ToWire(e.Severity),
        EventField.Host => e.Host,
        EventField.Message => e.Message,
        EventField.TraceId => e.TraceId,
        EventField.SpanId => e.SpanId,
        _ => null,
    };
}
