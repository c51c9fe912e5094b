namespace LogDapr.Contracts.Events;

/// <summary>
/// Builds validated, normalized events from values a protocol decoder has already decoded (OTLP protobuf), without
/// LogEvent JSON in between: the same rules, limits and error messages as <see cref="LogEventReader"/> applies to the
/// same values sent as a LogEvent object (<see cref="EventRules"/> holds the one copy). One instance per payload, not
/// thread-safe.
/// </summary>
/// <remarks>
/// Per event: <see cref="Start"/>, then each field setter at most once (a second call is a duplicate-field error, as in
/// JSON), attributes in the order they would appear in the event's <c>attributes</c> object, then <see cref="Finish"/>.
/// Errors come out in the order the setters were called, then the missing required fields, then the attribute count:
/// call the setters in LogEvent v1 field order (id, tenant_id, timestamp, severity, service, message, host, trace_id,
/// span_id, attributes) to get the reader's order for the same object.
/// </remarks>
public sealed class LogEventBuilder
{
    private readonly LogEventLimits limits;
    private readonly FieldMapping mapping;
    private readonly DateTimeOffset receivedAtUtc;
    private readonly long latestTicks;
    private readonly long earliestTicks;
    private readonly Func<int, string>? newEventId;
    private readonly string? defaultTenant;
    private readonly List<FieldError> errors = [];
    private readonly List<KeyValuePair<string, string>> attributes = [];

    // Events of one payload usually share tenant, service, host and attribute keys and values: a value equal to the
    // previous event's valid one passed the same rules with the same limits, so it is taken without checking again.
    private const int ReusedAttributeSlots = 16;
    private readonly KeyValuePair<string, string>[] lastAttributes = new KeyValuePair<string, string>[ReusedAttributeSlots];
    private string? lastTenantId, lastService, lastServiceTrimmed, lastHost;

    private Set seen;
    private int attributeCount;
    private string? id, tenantId, service, message, host, traceId, spanId;
    private long timestampTicks;
    private Severity severity;

    /// <param name="receivedAt">As <see cref="LogEventReader.Read"/>'s: the default timestamp and the origin of the time window.</param>
    /// <param name="newEventId">As <see cref="LogEventReader.Read"/>'s: the id of an event from its index.</param>
    /// <param name="mapping">The mapping whose aliases the "is required" errors name (the reader's <see cref="LogEventReader.Mapping"/>).</param>
    /// <param name="defaultTenant">As <see cref="LogEventReader.Read"/>'s; an invalid one is an <see cref="ArgumentException"/>.</param>
    public LogEventBuilder(LogEventLimits limits, DateTimeOffset receivedAt, Func<int, string>? newEventId = null, FieldMapping? mapping = null,
        string? defaultTenant = null)
    {
        this.limits = limits ?? throw new ArgumentNullException(nameof(limits));
        if (defaultTenant is not null && TenantIds.Problem(defaultTenant, limits.MaxTenantIdLength) is { } problem)
        {
            throw new ArgumentException($"default tenant \"{defaultTenant}\": {problem}", nameof(defaultTenant));
        }
        this.mapping = mapping ?? FieldMapping.Default;
        receivedAtUtc = receivedAt.ToUniversalTime();
        (latestTicks, earliestTicks) = EventRules.TimestampWindow(receivedAtUtc, limits);
        this.newEventId = newEventId;
        this.defaultTenant = defaultTenant;
    }

    [Flags]
    private enum Set
    {
        None = 0,
        TenantId = 1,
        Timestamp = 2,
        Severity = 4,
        Service = 8,
        Message = 16,
        Host = 32,
        TraceId = 64,
        SpanId = 128,
        Id = 256,
    }

    /// <summary>Begins an event (forgets the previous one).</summary>
    public void Start()
    {
        errors.Clear();
        attributes.Clear();
        seen = Set.None;
        attributeCount = 0;
        id = tenantId = service = message = host = traceId = spanId = null;
        timestampTicks = receivedAtUtc.UtcTicks;
        severity = default;
    }

    /// <summary>The event's own id, as a LogEvent's <c>id</c>; without one it gets a new id (<see cref="LogEvent.IdGenerated"/>).</summary>
    public void Id(string value)
    {
        if (First(Set.Id, LogEventFields.Id))
        {
            id = EventRules.Id(value, LogEventFields.Id, limits, errors);
        }
    }

    public void TenantId(string value)
    {
        if (First(Set.TenantId, LogEventFields.TenantId))
        {
            tenantId = string.Equals(value, lastTenantId, StringComparison.Ordinal) ? lastTenantId
                : EventRules.TenantId(value, LogEventFields.TenantId, limits, errors) is { } valid ? lastTenantId = valid : null;
        }
    }

    /// <summary>The event's time in UTC ticks; it must lie within the window around the receive time.</summary>
    public void Timestamp(long utcTicks)
    {
        if (First(Set.Timestamp, LogEventFields.Timestamp))
        {
            timestampTicks = utcTicks;
            EventRules.TimestampBounds(utcTicks, LogEventFields.Timestamp, latestTicks, earliestTicks, limits, errors);
        }
    }

    public void Severity(Severity value)
    {
        if (First(Set.Severity, LogEventFields.Severity))
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "undefined Severity");
            }
            severity = value;
        }
    }

    public void Service(string value)
    {
        if (First(Set.Service, LogEventFields.Service))
        {
            if (string.Equals(value, lastService, StringComparison.Ordinal))
            {
                service = lastServiceTrimmed;
            }
            else if ((service = EventRules.Service(value, LogEventFields.Service, limits, errors)) is not null)
            {
                (lastService, lastServiceTrimmed) = (value, service);
            }
        }
    }

    public void Message(string value)
    {
        if (First(Set.Message, LogEventFields.Message))
        {
            message = EventRules.Message(value, LogEventFields.Message, limits, errors);
        }
    }

    public void Host(string value)
    {
        if (First(Set.Host, LogEventFields.Host))
        {
            host = string.Equals(value, lastHost, StringComparison.Ordinal) ? lastHost
                : EventRules.Host(value, LogEventFields.Host, limits, errors) is { } valid ? lastHost = valid : null;
        }
    }

    /// <summary>A trace id as 32 hexadecimal digits (stored lowercase).</summary>
    public void TraceId(string hex)
    {
        if (First(Set.TraceId, LogEventFields.TraceId))
        {
            traceId = EventRules.HexId(hex, LogEventFields.TraceId, EventRules.TraceIdLength, errors);
        }
    }

    /// <summary>A span id as 16 hexadecimal digits (stored lowercase).</summary>
    public void SpanId(string hex)
    {
        if (First(Set.SpanId, LogEventFields.SpanId))
        {
            spanId = EventRules.HexId(hex, LogEventFields.SpanId, EventRules.SpanIdLength, errors);
        }
    }

    /// <summary>
    /// An attribute as a string member of the attributes object (or a number, given as its JSON text): the key and value
    /// rules, the duplicate-key rule and the count limit apply.
    /// </summary>
    public void Attribute(string key, string value)
    {
        int position = attributes.Count;
        if (position < ReusedAttributeSlots && attributeCount == position && position < limits.MaxAttributes
            && lastAttributes[position] is { Key: { } lastKey, Value: { } lastValue }
            && string.Equals(key, lastKey, StringComparison.Ordinal) && string.Equals(value, lastValue, StringComparison.Ordinal))
        {
            // The previous event's attribute at this position, with every earlier one also valid and distinct.
            attributeCount++;
            Add(lastKey, lastValue);
            return;
        }

        var validKey = EventRules.AttributeKey(key, key, topLevel: false, limits, errors);
        if (++attributeCount > limits.MaxAttributes)
        {
            // Only counted from here on: the event is rejected anyway, and the count makes the error useful.
            return;
        }
        if (EventRules.AttributeValue(value, validKey, topLevel: false, limits, errors) is { } valid && validKey is not null
            && Add(validKey, valid) && position < ReusedAttributeSlots && attributeCount == position + 1)
        {
            lastAttributes[position] = new(validKey, valid);
        }
    }

    /// <summary>A boolean attribute, kept as "true" or "false".</summary>
    public void Attribute(string key, bool value)
    {
        var validKey = EventRules.AttributeKey(key, key, topLevel: false, limits, errors);
        if (++attributeCount <= limits.MaxAttributes && validKey is not null)
        {
            Add(validKey, value ? "true" : "false");
        }
    }

    /// <summary>Ends the event: either <paramref name="accepted"/> or <paramref name="rejected"/> (at <paramref name="index"/>) is set.</summary>
    /// <param name="index">The event's position in the payload: its <see cref="RejectedEvent.Index"/> and the argument of the id function.</param>
    public bool Finish(int index, out LogEvent? accepted, out RejectedEvent? rejected)
    {
        accepted = null;
        rejected = null;
        if ((seen & Set.TenantId) == 0 && defaultTenant is not null)
        {
            tenantId = defaultTenant;
            seen |= Set.TenantId;
        }
        Require(Set.TenantId, LogEventFields.TenantId);
        Require(Set.Service, LogEventFields.Service);
        Require(Set.Severity, LogEventFields.Severity);
        Require(Set.Message, LogEventFields.Message);
        if (attributeCount > limits.MaxAttributes)
        {
            EventRules.AttributeCount(attributeCount, limits, errors);
        }
        if (errors.Count > 0)
        {
            rejected = new RejectedEvent(index, errors.ToArray());
            return false;
        }
        accepted = new LogEvent
        {
            Id = id ?? EventRules.NewId(receivedAtUtc, newEventId, index),
            IdGenerated = id is null,
            TenantId = tenantId!,
            Timestamp = new DateTimeOffset(timestampTicks, TimeSpan.Zero),
            Severity = severity,
            Service = service!,
            Message = message!,
            Attributes = attributes.Count == 0 ? Array.Empty<KeyValuePair<string, string>>() : attributes.ToArray(),
            TraceId = traceId,
            SpanId = spanId,
            Host = host,
        };
        return true;
    }

    private bool First(Set field, string name)
    {
        if ((seen & field) != 0)
        {
            errors.Add(new FieldError(name, EventRules.DuplicateField(name)));
            return false;
        }
        seen |= field;
        return true;
    }

    private void Require(Set field, string name)
    {
        if ((seen & field) == 0)
        {
            EventRules.Required(name, mapping, errors);
        }
    }

    private bool Add(string key, string value)
    {
        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Key, key, StringComparison.Ordinal))
            {
                errors.Add(new FieldError(LogEventFields.Attribute(key), EventRules.DuplicateAttribute(key)));
                return false;
            }
        }
        attributes.Add(new(key, value));
        return true;
    }
}
