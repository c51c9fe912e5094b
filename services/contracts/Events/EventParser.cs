using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Validates and normalizes one event object of a payload. One instance per <see cref="LogEventReader.Read"/> call:
/// it keeps scratch lists and the strings of earlier events between events, so it is neither shared nor thread-safe.
/// </summary>
internal sealed class EventParser
{
    public enum Outcome
    {
        Accepted,
        Rejected,
        /// <summary>The top-level object has an "events" property: it is a batch wrapper, not an event.</summary>
        Wrapper,
    }

    [Flags]
    private enum Field : ushort
    {
        None = 0,
        Id = 1 << 0,
        TenantId = 1 << 1,
        Timestamp = 1 << 2,
        Severity = 1 << 3,
        Service = 1 << 4,
        Message = 1 << 5,
        Attributes = 1 << 6,
        TraceId = 1 << 7,
        SpanId = 1 << 8,
        Host = 1 << 9,
        Events = 1 << 10,
        Unknown = 1 << 15,
    }

    // Values that are valid only when short (property names, timestamps, severities, trace/span ids) are unescaped
    // into a scratch buffer of this size. The longest valid one, a 35-byte timestamp, fits even with every character
    // escaped (6 bytes each), so an escaped value longer than the buffer cannot be valid.
    private const int ScratchBytes = 256;
    private const int TraceIdLength = 32;
    private const int SpanIdLength = 16;
    // Attribute strings are reused by position (see lastAttributeKeys); events rarely have more attributes than this.
    private const int ReusedAttributeSlots = 16;
    private const int MaxEchoLength = 40;

    private static readonly SearchValues<char> ControlChars = SearchValues.Create(ControlCharacters());
    private static readonly SearchValues<char> TenantIdTail =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly LogEventLimits limits;
    private readonly DateTimeOffset receivedAtUtc;
    private readonly long latestTimestampTicks;
    private readonly long earliestTimestampTicks;
    private readonly Func<int, string>? newId;
    private readonly List<FieldError> errors = [];
    private readonly byte[] scratch = new byte[ScratchBytes];
    private readonly List<KeyValuePair<string, string>> attributes = [];

    // Events of one payload usually share tenant, service, host and attribute keys (often values too). Reusing the
    // previous event's string when the raw bytes are equal saves most per-event allocations, and the reused value
    // needs no re-validation because it passed the same rules with the same limits.
    private string? lastTenantId;
    private string? lastService;
    private string? lastHost;
    private readonly string?[] lastAttributeKeys = new string?[ReusedAttributeSlots];
    private readonly string?[] lastAttributeValues = new string?[ReusedAttributeSlots];

    public EventParser(LogEventLimits limits, DateTimeOffset receivedAt, Func<int, string>? newId = null)
    {
        this.limits = limits;
        receivedAtUtc = receivedAt.ToUniversalTime();
        this.newId = newId;
        long skew = limits.MaxFutureSkew.Ticks;
        long now = receivedAtUtc.UtcTicks;
        latestTimestampTicks = skew > DateTime.MaxValue.Ticks - now ? DateTime.MaxValue.Ticks : now + skew;
        long age = limits.MaxPastAge.Ticks;
        earliestTimestampTicks = age >= now ? DateTime.MinValue.Ticks : now - age;
    }

    /// <summary>
    /// Reads the event object the reader is positioned on (StartObject) and leaves it on the matching EndObject,
    /// except for <see cref="Outcome.Wrapper"/>, which leaves it on the "events" property name.
    /// Throws <see cref="JsonException"/> only for malformed JSON; every other problem becomes a field error.
    /// </summary>
    /// <param name="index">The event's position in the payload, from which a missing id is derived.</param>
    public Outcome Parse(ref Utf8JsonReader reader, bool topLevel, int index, out LogEvent? accepted, out FieldError[]? errors)
    {
        accepted = null;
        errors = null;
        this.errors.Clear();
        this.attributes.Clear();

        Field seen = Field.None;
        string? id = null, tenantId = null, service = null, message = null, traceId = null, spanId = null, host = null;
        long timestampTicks = receivedAtUtc.UtcTicks;
        Severity severity = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = Identify(ref reader);
            if (field == Field.Events && topLevel)
            {
                return Outcome.Wrapper;
            }
            reader.Read();
            if (field is Field.Unknown or Field.Events)
            {
                reader.Skip();
                continue;
            }
            if ((seen & field) != 0)
            {
                string name = NameOf(field);
                AddError(name, $"duplicate field {name}: each field may appear only once");
                reader.Skip();
                continue;
            }
            seen |= field;
            switch (field)
            {
                case Field.Id: id = ReadId(ref reader); break;
                case Field.TenantId: tenantId = ReadTenantId(ref reader); break;
                case Field.Timestamp: timestampTicks = ReadTimestamp(ref reader); break;
                case Field.Severity: severity = ReadSeverity(ref reader); break;
                case Field.Service: service = ReadService(ref reader); break;
                case Field.Message: message = ReadMessage(ref reader); break;
                case Field.Attributes: ReadAttributes(ref reader); break;
                case Field.TraceId: traceId = ReadHexId(ref reader, LogEventFields.TraceId, TraceIdLength); break;
                case Field.SpanId: spanId = ReadHexId(ref reader, LogEventFields.SpanId, SpanIdLength); break;
                case Field.Host: host = ReadHost(ref reader); break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            // Unreachable with a final-block reader (it throws first); kept so a truncated object can never pass.
            throw new JsonException("unexpected end of the event object");
        }

        RequireField(seen, Field.TenantId);
        RequireField(seen, Field.Service);
        RequireField(seen, Field.Severity);
        RequireField(seen, Field.Message);

        if (this.errors.Count > 0)
        {
            errors = this.errors.ToArray();
            return Outcome.Rejected;
        }
        accepted = new LogEvent
        {
            Id = id ?? NewId(index),
            IdGenerated = id is null,
            TenantId = tenantId!,
            Timestamp = new DateTimeOffset(timestampTicks, TimeSpan.Zero),
            Severity = severity,
            Service = service!,
            Message = message!,
            Attributes = this.attributes.Count == 0 ? Array.Empty<KeyValuePair<string, string>>() : this.attributes.ToArray(),
            TraceId = traceId,
            SpanId = spanId,
            Host = host,
        };
        return Outcome.Accepted;
    }

    private string? ReadId(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Id;
        if (!IsString(ref reader, field, optional: true) || GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        if (value.Length == 0)
        {
            AddError(field, "id must not be empty (omit it or use null to have one generated)");
        }
        else if (IsLongerThan(value, this.limits.MaxIdLength))
        {
            AddError(field, $"id is {CodePoints(value)} characters; limit is {this.limits.MaxIdLength} ({LimitKeys.MaxIdLength})");
        }
        else if (value.AsSpan().ContainsAny(ControlChars))
        {
            AddError(field, "id must not contain control characters");
        }
        else
        {
            return value;
        }
        return null;
    }

    private string? ReadTenantId(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.TenantId;
        if (!IsString(ref reader, field, optional: false))
        {
            return null;
        }
        if (Reuse(ref reader, lastTenantId) is { } reused)
        {
            return reused;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        if (value.Length == 0)
        {
            AddError(field, "tenant_id must not be empty");
        }
        else if (IsLongerThan(value, this.limits.MaxTenantIdLength))
        {
            AddError(field, $"tenant_id is {CodePoints(value)} characters; limit is {this.limits.MaxTenantIdLength} ({LimitKeys.MaxTenantIdLength})");
        }
        else if (!char.IsAsciiLetterOrDigit(value[0]) || value.AsSpan(1).ContainsAnyExcept(TenantIdTail))
        {
            AddError(field, "tenant_id must match [A-Za-z0-9][A-Za-z0-9._-]* (a letter or digit, then letters, digits, '.', '_' or '-')");
        }
        else
        {
            return lastTenantId = value;
        }
        return null;
    }

    private string? ReadService(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Service;
        if (!IsString(ref reader, field, optional: false))
        {
            return null;
        }
        if (Reuse(ref reader, lastService) is { } reused)
        {
            return reused;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        // The length limit applies to the value as sent (not trimmed) so that the JSON Schema's maxLength agrees.
        if (value.AsSpan().ContainsAny(ControlChars))
        {
            AddError(field, "service must not contain control characters");
        }
        else if (IsLongerThan(value, this.limits.MaxServiceLength))
        {
            AddError(field, $"service is {CodePoints(value)} characters; limit is {this.limits.MaxServiceLength} ({LimitKeys.MaxServiceLength})");
        }
        else if (value.Trim() is { Length: > 0 } trimmed)
        {
            return lastService = trimmed;
        }
        else
        {
            AddError(field, "service must not be empty or only whitespace");
        }
        return null;
    }

    private string? ReadHost(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Host;
        if (!IsString(ref reader, field, optional: true))
        {
            return null;
        }
        if (Reuse(ref reader, lastHost) is { } reused)
        {
            return reused;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        if (value.Length == 0)
        {
            AddError(field, "host must not be empty (omit it or use null)");
        }
        else if (value.AsSpan().ContainsAny(ControlChars))
        {
            AddError(field, "host must not contain control characters");
        }
        else if (IsLongerThan(value, this.limits.MaxHostLength))
        {
            AddError(field, $"host is {CodePoints(value)} characters; limit is {this.limits.MaxHostLength} ({LimitKeys.MaxHostLength})");
        }
        else
        {
            return lastHost = value;
        }
        return null;
    }

    private string? ReadMessage(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Message;
        if (!IsString(ref reader, field, optional: false))
        {
            return null;
        }
        int limit = this.limits.MaxMessageBytes;
        // Unescaping never makes text longer, so the raw length decides without decoding in the common cases.
        int rawLength = reader.ValueSpan.Length;
        if (!reader.ValueIsEscaped && rawLength > limit)
        {
            AddError(field, MessageTooLong(rawLength));
            return null;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        if (rawLength > limit && Encoding.UTF8.GetByteCount(value) is var bytes && bytes > limit)
        {
            AddError(field, MessageTooLong(bytes));
            return null;
        }
        if (HasNul(ref reader, value))
        {
            AddError(field, NulMessage(field));
            return null;
        }
        return value;

        string MessageTooLong(int bytes) => $"message is {bytes} bytes; limit is {limit} ({LimitKeys.MaxMessageBytes})";
    }

    private long ReadTimestamp(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Timestamp;
        const string expected = "an RFC 3339 date-time string";
        const string example = "e.g. 2026-11-22T10:00:00Z or 2026-11-22T10:00:00.123+02:00";
        long ticks = receivedAtUtc.UtcTicks;
        if (!IsString(ref reader, field, optional: true, expected))
        {
            return ticks;
        }
        var problem = TryGetSmallValue(ref reader, out var text)
            ? Rfc3339.TryParseUtcTicks(text, out ticks)
            : TimestampProblem.Format;
        switch (problem)
        {
            case TimestampProblem.None when ticks > latestTimestampTicks:
                AddError(field, $"timestamp is later than the receive time plus {this.limits.MaxFutureSkew} ({LimitKeys.MaxFutureSkew})");
                break;
            case TimestampProblem.None when ticks < earliestTimestampTicks:
                AddError(field, $"timestamp is earlier than the receive time minus {this.limits.MaxPastAge} ({LimitKeys.MaxPastAge})");
                break;
            case TimestampProblem.None:
                break;
            case TimestampProblem.DateOnly:
                AddError(field, $"timestamp has a date but no time; it must be {expected} with an offset, {example}");
                break;
            case TimestampProblem.NoOffset:
                AddError(field, $"timestamp has no UTC offset; append Z or +hh:mm/-hh:mm (RFC 3339), {example}");
                break;
            case TimestampProblem.InvalidValue:
                AddError(field, "timestamp is not a valid date and time (month 01-12, a day that exists in that month, " +
                    "hour 00-23, minute and second 00-59, offset at most 23:59, year 0001-9999 after conversion to UTC)");
                break;
            default:
                AddError(field, $"timestamp must be {expected} with an offset (YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm)), {example}");
                break;
        }
        return ticks;
    }

    private Severity ReadSeverity(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Severity;
        Severity severity;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (TryGetSmallValue(ref reader, out var text) && SeverityNames.TryParse(text, out severity))
                {
                    return severity;
                }
                AddError(field, $"severity \"{Echo(reader.ValueSpan)}\" is not recognized; use {SeverityNames.AcceptedSpellings}");
                return default;
            case JsonTokenType.Number:
                if (reader.ValueSpan.ContainsAny(".eE"u8))
                {
                    // 2.0 or 1e1 may be a float that happens to be integral, or a mistake; either way not a SeverityNumber.
                    AddError(field, $"severity {Echo(reader.ValueSpan)} is not an OpenTelemetry SeverityNumber (an integer 1-24 written as plain digits, without fraction or exponent); use {SeverityNames.AcceptedSpellings}");
                    return default;
                }
                if (reader.TryGetInt32(out int number) && SeverityNames.TryFromSeverityNumber(number, out severity))
                {
                    return severity;
                }
                AddError(field, $"severity {Echo(reader.ValueSpan)} is not an OpenTelemetry SeverityNumber (an integer 1-24); use {SeverityNames.AcceptedSpellings}");
                return default;
            default:
                WrongType(ref reader, field, "a string or a number");
                return default;
        }
    }

    private void ReadAttributes(ref Utf8JsonReader reader)
    {
        const string field = LogEventFields.Attributes;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            WrongType(ref reader, field, "an object whose values are strings, numbers or booleans");
            return;
        }
        int limit = this.limits.MaxAttributes;
        int count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int position = count++;
            if (count > limit)
            {
                // Only counted from here on: the event is rejected anyway, and the count makes the error useful.
                reader.Read();
                reader.Skip();
                continue;
            }
            string? key = ReadAttributeKey(ref reader, position);
            reader.Read();
            if (ReadAttributeValue(ref reader, key, position) is not { } value || key is null)
            {
                continue;
            }
            if (ContainsKey(key))
            {
                AddError(LogEventFields.Attribute(key), $"duplicate attribute key \"{key}\"");
                continue;
            }
            this.attributes.Add(new(key, value));
        }
        if (count > limit)
        {
            AddError(field, $"attributes has {count} entries; limit is {limit} ({LimitKeys.MaxAttributes})");
        }
    }

    private string? ReadAttributeKey(ref Utf8JsonReader reader, int position)
    {
        const string field = LogEventFields.Attributes;
        bool slot = position < ReusedAttributeSlots;
        if (slot && Reuse(ref reader, lastAttributeKeys[position]) is { } reused)
        {
            return reused;
        }
        string key;
        try
        {
            key = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            AddError(field, "attribute keys must be valid Unicode text (invalid UTF-8 or an unpaired surrogate escape)");
            return null;
        }
        if (key.Length == 0)
        {
            AddError(field, "attribute keys must not be empty");
            return null;
        }
        if (key.AsSpan().ContainsAny(ControlChars))
        {
            AddError(field, "attribute keys must not contain control characters");
            return null;
        }
        if (IsLongerThan(key, this.limits.MaxAttributeKeyLength))
        {
            AddError(field, $"attribute key \"{Truncate(key)}...\" is {CodePoints(key)} characters; " +
                $"limit is {this.limits.MaxAttributeKeyLength} ({LimitKeys.MaxAttributeKeyLength})");
            return null;
        }
        if (slot)
        {
            lastAttributeKeys[position] = key;
        }
        return key;
    }

    private string? ReadAttributeValue(ref Utf8JsonReader reader, string? key, int position)
    {
        bool slot = position < ReusedAttributeSlots;
        int limit = this.limits.MaxAttributeValueBytes;
        int rawLength = reader.ValueSpan.Length;
        string? value;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.String or JsonTokenType.Number:
                // Numbers are kept as their JSON text (never escaped) so "3.10" stays "3.10" and big integers stay exact.
                if (rawLength > limit && (!reader.ValueIsEscaped || reader.TokenType == JsonTokenType.Number))
                {
                    AddError(FieldName(key), ValueTooLong(key, rawLength));
                    return null;
                }
                if (slot && Reuse(ref reader, lastAttributeValues[position]) is { } reused)
                {
                    return reused;
                }
                if (reader.TokenType == JsonTokenType.Number)
                {
                    value = Encoding.UTF8.GetString(reader.ValueSpan);
                }
                else if (GetString(ref reader, FieldName(key)) is not { } text)
                {
                    return null;
                }
                else if (rawLength > limit && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > limit)
                {
                    AddError(FieldName(key), ValueTooLong(key, bytes));
                    return null;
                }
                else if (HasNul(ref reader, text))
                {
                    AddError(FieldName(key), NulMessage(FieldName(key)));
                    return null;
                }
                else
                {
                    value = text;
                }
                if (slot)
                {
                    lastAttributeValues[position] = value;
                }
                return value;
            default:
                string field = FieldName(key);
                AddError(field, $"{field} must be a string, number or boolean, got {TypeName(reader.TokenType)}");
                reader.Skip();
                return null;
        }

        static string FieldName(string? key) => key is null ? LogEventFields.Attributes : LogEventFields.Attribute(key);
        string ValueTooLong(string? key, int bytes) =>
            $"{FieldName(key)} is {bytes} bytes; limit is {limit} ({LimitKeys.MaxAttributeValueBytes})";
    }

    private string? ReadHexId(ref Utf8JsonReader reader, string field, int length)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            if (reader.TokenType != JsonTokenType.Null)
            {
                WrongType(ref reader, field, $"a string of {length} hexadecimal digits");
            }
            return null;
        }
        if (!TryGetSmallValue(ref reader, out var text) || text.Length != length || text.ContainsAnyExcept(HexDigits))
        {
            AddError(field, $"{field} must be exactly {length} hexadecimal digits (0-9, a-f)");
            return null;
        }
        if (!text.ContainsAnyExcept((byte)'0'))
        {
            AddError(field, $"{field} must not be all zeros (an invalid id in W3C Trace Context)");
            return null;
        }
        Span<char> lower = stackalloc char[length];
        Ascii.ToLower(text, lower, out _);
        return new string(lower);
    }

    private void RequireField(Field seen, Field field)
    {
        if ((seen & field) == 0)
        {
            string name = NameOf(field);
            AddError(name, $"{name} is required");
        }
    }

    private bool IsString(ref Utf8JsonReader reader, string field, bool optional, string expected = "a string")
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return true;
        }
        if (!(optional && reader.TokenType == JsonTokenType.Null))
        {
            WrongType(ref reader, field, expected);
        }
        return false;
    }

    private void WrongType(ref Utf8JsonReader reader, string field, string expected)
    {
        AddError(field, $"{field} must be {expected}, got {TypeName(reader.TokenType)}");
        reader.Skip();
    }

    private string? GetString(ref Utf8JsonReader reader, string field)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // The reader checks JSON syntax, not UTF-8 or surrogate escapes; those surface only when decoding.
            AddError(field, $"{field} must be valid Unicode text (found invalid UTF-8 or an unpaired surrogate escape)");
            return null;
        }
    }

    private void AddError(string field, string message) => this.errors.Add(new FieldError(field, message));

    private bool ContainsKey(string key)
    {
        foreach (var attribute in this.attributes)
        {
            if (string.Equals(attribute.Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private string NewId(int index)
    {
        if (this.newId is not null)
        {
            return this.newId(index);
        }
        // Version 7 orders ids by time; the receive time keeps the reader free of a clock (and it cannot precede 1970).
        var guid = receivedAtUtc.UtcTicks >= DateTime.UnixEpoch.Ticks ? Guid.CreateVersion7(receivedAtUtc) : Guid.CreateVersion7();
        return guid.ToString();
    }

    // JSON can carry U+0000 only as the escape \u0000, so an unescaped value cannot hold one. Postgres text cannot store
    // it, so it never goes further than here.
    private static bool HasNul(ref Utf8JsonReader reader, string value) => reader.ValueIsEscaped && value.Contains('\0', StringComparison.Ordinal);

    private static string NulMessage(string field) => $"{field} must not contain U+0000 (NUL)";

    private static string? Reuse(ref Utf8JsonReader reader, string? previous) =>
        previous is not null && !reader.ValueIsEscaped && Ascii.Equals(reader.ValueSpan, previous) ? previous : null;

    /// <summary>The unescaped bytes of a string that is only valid when short; false if it cannot be short.</summary>
    private bool TryGetSmallValue(ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
    {
        var scratch = this.scratch.AsSpan();
        value = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return true;
        }
        if (value.Length > scratch.Length)
        {
            return false;
        }
        try
        {
            value = scratch[..reader.CopyString(scratch)];
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private Field Identify(ref Utf8JsonReader reader) =>
        TryGetSmallValue(ref reader, out var name) ? Match(name) : Field.Unknown;

    private static Field Match(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => Field.Id,
        4 when name.SequenceEqual("host"u8) => Field.Host,
        6 when name.SequenceEqual("events"u8) => Field.Events,
        7 when name.SequenceEqual("message"u8) => Field.Message,
        7 when name.SequenceEqual("service"u8) => Field.Service,
        7 when name.SequenceEqual("span_id"u8) => Field.SpanId,
        8 when name.SequenceEqual("severity"u8) => Field.Severity,
        8 when name.SequenceEqual("trace_id"u8) => Field.TraceId,
        9 when name.SequenceEqual("tenant_id"u8) => Field.TenantId,
        9 when name.SequenceEqual("timestamp"u8) => Field.Timestamp,
        10 when name.SequenceEqual("attributes"u8) => Field.Attributes,
        _ => Field.Unknown,
    };

    private static string NameOf(Field field) => field switch
    {
        Field.Id => LogEventFields.Id,
        Field.TenantId => LogEventFields.TenantId,
        Field.Timestamp => LogEventFields.Timestamp,
        Field.Severity => LogEventFields.Severity,
        Field.Service => LogEventFields.Service,
        Field.Message => LogEventFields.Message,
        Field.Attributes => LogEventFields.Attributes,
        Field.TraceId => LogEventFields.TraceId,
        Field.SpanId => LogEventFields.SpanId,
        Field.Host => LogEventFields.Host,
        _ => LogEventFields.WholeEvent,
    };

    internal static string TypeName(JsonTokenType type) => type switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        _ => type.ToString(),
    };

    // Never cuts a surrogate pair: error messages end up in JSON problem details, which need valid UTF-16.
    private static string Truncate(string value) =>
        value.Length <= MaxEchoLength ? value : value[..(char.IsHighSurrogate(value[MaxEchoLength - 1]) ? MaxEchoLength - 1 : MaxEchoLength)];

    private static string Echo(ReadOnlySpan<byte> raw) =>
        raw.Length <= MaxEchoLength ? Encoding.UTF8.GetString(raw) : Encoding.UTF8.GetString(raw[..MaxEchoLength]) + "...";

    // JSON Schema's maxLength counts code points, not UTF-16 units; counting the same way keeps the schema exact.
    private static bool IsLongerThan(string value, int limit) => value.Length > limit && CodePoints(value) > limit;

    private static int CodePoints(string value)
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

    private static string ControlCharacters()
    {
        var chars = new char[0x20 + 0x21];
        for (int i = 0; i < 0x20; i++)
        {
            chars[i] = (char)i;
        }
        for (int i = 0; i <= 0x20; i++)
        {
            chars[0x20 + i] = (char)(0x7F + i);
        }
        return new string(chars);
    }
}
