using System.Buffers;
using System.Text;

namespace LogDapr.Contracts.Events;

/// <summary>
/// The rules and error messages of LogEvent v1 fields once their values are decoded: one copy shared by the JSON reader
/// (<see cref="EventParser"/>) and by decoders that build events without JSON (<see cref="LogEventBuilder"/>), so both
/// accept and reject the same values with the same words. Each check adds its errors to the list it is given.
/// </summary>
internal static class EventRules
{
    public const int TraceIdLength = 32;
    public const int SpanIdLength = 16;
    private const int MaxEchoLength = 40;

    private static readonly SearchValues<char> TenantIdTail =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
    private static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789abcdefABCDEF");

    public static string? Id(string value, string field, LogEventLimits limits, List<FieldError> errors) =>
        IsValidId(value, field, limits, errors) ? value : null;

    /// <summary>The id rules on decoded text that need not become a string (the counting reader keeps no id).</summary>
    public static bool IsValidId(ReadOnlySpan<char> value, string field, LogEventLimits limits, List<FieldError> errors)
    {
        if (value.Length == 0)
        {
            Add(errors, field, $"{field} must not be empty (omit it or use null to have one generated)");
        }
        else if (IsLongerThan(value, limits.MaxIdLength))
        {
            Add(errors, field, $"{field} is {CodePoints(value)} characters; limit is {limits.MaxIdLength} ({LimitKeys.MaxIdLength})");
        }
        else if (HasControlChars(value))
        {
            Add(errors, field, $"{field} must not contain control characters");
        }
        else
        {
            return true;
        }
        return false;
    }

    public static string? TenantId(string value, string field, LogEventLimits limits, List<FieldError> errors)
    {
        if (value.Length == 0)
        {
            Add(errors, field, $"{field} must not be empty");
        }
        else if (IsLongerThan(value, limits.MaxTenantIdLength))
        {
            Add(errors, field, $"{field} is {CodePoints(value)} characters; limit is {limits.MaxTenantIdLength} ({LimitKeys.MaxTenantIdLength})");
        }
        else if (!char.IsAsciiLetterOrDigit(value[0]) || value.AsSpan(1).ContainsAnyExcept(TenantIdTail))
        {
            Add(errors, field, $"{field} must match [A-Za-z0-9][A-Za-z0-9._-]* (a letter or digit, then letters, digits, '.', '_' or '-')");
        }
        else
        {
            return value;
        }
        return null;
    }

    /// <summary>The service, trimmed. The length limit applies to the value as sent (not trimmed) so that the JSON Schema's maxLength agrees.</summary>
    public static string? Service(string value, string field, LogEventLimits limits, List<FieldError> errors)
    {
        if (HasControlChars(value))
        {
            Add(errors, field, $"{field} must not contain control characters");
        }
        else if (IsLongerThan(value, limits.MaxServiceLength))
        {
            Add(errors, field, $"{field} is {CodePoints(value)} characters; limit is {limits.MaxServiceLength} ({LimitKeys.MaxServiceLength})");
        }
        else if (value.Trim() is { Length: > 0 } trimmed)
        {
            return trimmed;
        }
        else
        {
            Add(errors, field, $"{field} must not be empty or only whitespace");
        }
        return null;
    }

    public static string? Host(string value, string field, LogEventLimits limits, List<FieldError> errors) =>
        IsValidHost(value, field, limits, errors) ? value : null;

    /// <summary>The host rules on decoded text that need not become a string (the counting reader keeps no host).</summary>
    public static bool IsValidHost(ReadOnlySpan<char> value, string field, LogEventLimits limits, List<FieldError> errors)
    {
        if (value.Length == 0)
        {
            Add(errors, field, $"{field} must not be empty (omit it or use null)");
        }
        else if (HasControlChars(value))
        {
            Add(errors, field, $"{field} must not contain control characters");
        }
        else if (IsLongerThan(value, limits.MaxHostLength))
        {
            Add(errors, field, $"{field} is {CodePoints(value)} characters; limit is {limits.MaxHostLength} ({LimitKeys.MaxHostLength})");
        }
        else
        {
            return true;
        }
        return false;
    }

    /// <summary>A decoded message: at most Ingest:MaxMessageBytes of UTF-8, no NUL.</summary>
    public static string? Message(string value, string field, LogEventLimits limits, List<FieldError> errors)
    {
        if (Utf8Length(value, limits.MaxMessageBytes) is var bytes && bytes > limits.MaxMessageBytes)
        {
            Add(errors, field, MessageTooLong(field, bytes, limits));
            return null;
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            Add(errors, field, Nul(field));
            return null;
        }
        return value;
    }

    public static string MessageTooLong(string field, int bytes, LogEventLimits limits) =>
        $"{field} is {bytes} bytes; limit is {limits.MaxMessageBytes} ({LimitKeys.MaxMessageBytes})";

    public static string ValueTooLong(string field, int bytes, LogEventLimits limits) =>
        $"{field} is {bytes} bytes; limit is {limits.MaxAttributeValueBytes} ({LimitKeys.MaxAttributeValueBytes})";

    // Postgres text cannot store U+0000, so it never goes further than validation.
    public static string Nul(string field) => $"{field} must not contain U+0000 (NUL)";

    public static void TimestampBounds(long ticks, string field, long latest, long earliest, LogEventLimits limits, List<FieldError> errors)
    {
        if (ticks > latest)
        {
            Add(errors, field, $"{field} is later than the receive time plus {limits.MaxFutureSkew} ({LimitKeys.MaxFutureSkew})");
        }
        else if (ticks < earliest)
        {
            Add(errors, field, $"{field} is earlier than the receive time minus {limits.MaxPastAge} ({LimitKeys.MaxPastAge})");
        }
    }

    /// <summary>The latest and earliest timestamp accepted for events received at <paramref name="receivedAtUtc"/>.</summary>
    public static (long Latest, long Earliest) TimestampWindow(DateTimeOffset receivedAtUtc, LogEventLimits limits)
    {
        long skew = limits.MaxFutureSkew.Ticks;
        long now = receivedAtUtc.UtcTicks;
        long latest = skew > DateTime.MaxValue.Ticks - now ? DateTime.MaxValue.Ticks : now + skew;
        long age = limits.MaxPastAge.Ticks;
        long earliest = age >= now ? DateTime.MinValue.Ticks : now - age;
        return (latest, earliest);
    }

    public static string HexIdFormat(string field, int length) => $"{field} must be exactly {length} hexadecimal digits (0-9, a-f)";

    public static string HexIdZero(string field) => $"{field} must not be all zeros (an invalid id in W3C Trace Context)";

    /// <summary>A trace or span id in hexadecimal, lowercased.</summary>
    public static string? HexId(string value, string field, int length, List<FieldError> errors)
    {
        if (value.Length != length || value.AsSpan().ContainsAnyExcept(HexChars))
        {
            Add(errors, field, HexIdFormat(field, length));
            return null;
        }
        if (!value.AsSpan().ContainsAnyExcept('0'))
        {
            Add(errors, field, HexIdZero(field));
            return null;
        }
        return value.AsSpan().ContainsAnyInRange('A', 'F') ? value.ToLowerInvariant() : value;
    }

    /// <summary>
    /// An attribute key: <paramref name="key"/> is the whole key (a nested member's joined to its parents'),
    /// <paramref name="name"/> the part sent at this level (the one checked for control characters).
    /// </summary>
    public static string? AttributeKey(string key, string name, bool topLevel, LogEventLimits limits, List<FieldError> errors)
    {
        string field = topLevel ? LogEventFields.WholeEvent : LogEventFields.Attributes;
        if (key.Length == 0)
        {
            Add(errors, field, topLevel ? "field names must not be empty (an unknown field becomes an attribute)" : "attribute keys must not be empty");
            return null;
        }
        if (HasControlChars(name))
        {
            Add(errors, field, "attribute keys must not contain control characters");
            return null;
        }
        if (IsLongerThan(key, limits.MaxAttributeKeyLength))
        {
            Add(errors, field, $"attribute key \"{Truncate(key)}...\" is {CodePoints(key)} characters; " +
                $"limit is {limits.MaxAttributeKeyLength} ({LimitKeys.MaxAttributeKeyLength})");
            return null;
        }
        return key;
    }

    /// <summary>The field an error about attribute <paramref name="key"/> names: "attributes.k" inside the attributes object, "k" for a top-level field.</summary>
    public static string AttributeField(string? key, bool topLevel) =>
        key is null ? (topLevel ? LogEventFields.WholeEvent : LogEventFields.Attributes) : topLevel ? key : LogEventFields.Attribute(key);

    /// <summary>A decoded string attribute value (or a number's text): at most Ingest:MaxAttributeValueBytes of UTF-8, no NUL.</summary>
    public static string? AttributeValue(string value, string? key, bool topLevel, LogEventLimits limits, List<FieldError> errors)
    {
        if (Utf8Length(value, limits.MaxAttributeValueBytes) is var bytes && bytes > limits.MaxAttributeValueBytes)
        {
            Add(errors, AttributeField(key, topLevel), ValueTooLong(AttributeField(key, topLevel), bytes, limits));
            return null;
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            Add(errors, AttributeField(key, topLevel), Nul(AttributeField(key, topLevel)));
            return null;
        }
        return value;
    }

    public static string DuplicateAttribute(string key) => $"duplicate attribute key \"{key}\"";

    public static string DuplicateField(string name) => $"duplicate field {name}: each field may appear only once";

    public static void Required(string name, FieldMapping mapping, List<FieldError> errors) =>
        Add(errors, name, $"{name} is required{mapping.AlsoReadFrom(name)}");

    public static void AttributeCount(int count, LogEventLimits limits, List<FieldError> errors) =>
        Add(errors, LogEventFields.Attributes, $"attributes has {count} entries; limit is {limits.MaxAttributes} ({LimitKeys.MaxAttributes})" +
            " (the attributes object, unknown fields and the leaves of nested objects count together)");

    /// <summary>The id of an event that has none: <paramref name="newId"/> of its index, else a UUIDv7 of the receive time.</summary>
    public static string NewId(DateTimeOffset receivedAtUtc, Func<int, string>? newId, int index)
    {
        if (newId is not null)
        {
            return newId(index);
        }
        // Version 7 orders ids by time; the receive time keeps the reader free of a clock.
        return Uuid7.New(receivedAtUtc).ToString();
    }

    // Never cuts a surrogate pair: error messages end up in JSON problem details, which need valid UTF-16.
    public static string Truncate(string value) =>
        value.Length <= MaxEchoLength ? value : value[..(char.IsHighSurrogate(value[MaxEchoLength - 1]) ? MaxEchoLength - 1 : MaxEchoLength)];

    public static string Echo(ReadOnlySpan<byte> raw) =>
        raw.Length <= MaxEchoLength ? Encoding.UTF8.GetString(raw) : Encoding.UTF8.GetString(raw[..MaxEchoLength]) + "...";

    // JSON Schema's maxLength counts code points, not UTF-16 units; counting the same way keeps the schema exact.
    public static bool IsLongerThan(ReadOnlySpan<char> value, int limit) => value.Length > limit && CodePoints(value) > limit;

    public static int CodePoints(ReadOnlySpan<char> value)
    {
        int count = value.Length;
        foreach (char c in value)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }
        return count;
    }

    /// <summary>The UTF-8 length of <paramref name="value"/>, counted only when it may exceed <paramref name="limit"/> (else 0).</summary>
    private static int Utf8Length(string value, int limit) =>
        (long)value.Length * 3 > limit ? Encoding.UTF8.GetByteCount(value) : 0;

    private static void Add(List<FieldError> errors, string field, string message) => errors.Add(new FieldError(field, message));

    /// <summary>C0 and C1 control characters and DEL (two ranges, each searched vectorized).</summary>
    public static bool HasControlChars(ReadOnlySpan<char> value) =>
        value.ContainsAnyInRange('\u0000', '\u001f') || value.ContainsAnyInRange('\u007f', '\u009f');
}
