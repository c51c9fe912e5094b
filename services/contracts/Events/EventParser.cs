using System.Buffers;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using LogDapr.Contracts.Events.Encoded;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Validates and normalizes one event object of a payload. One instance per <see cref="LogEventReader.Read"/> call:
/// it keeps scratch lists and the strings of earlier events between events, so it is neither shared nor thread-safe.
/// </summary>
/// <remarks>
/// In counting mode (<see cref="LogEventCountingReader"/>) every field goes through the same checks in the same order,
/// but only what a count is keyed by becomes a string; the id, message, host, trace ids and attribute values are
/// validated where they lie (or decoded into a reused buffer) and dropped. The counting reader keeps one parser per
/// concurrent read across payloads, so the strings of earlier events (tenant, service, attribute keys) carry over.
/// In encoding mode (<see cref="LogEventReader.Encode"/>) the values are checked as in counting mode and copied,
/// unescaped, into a per-event buffer; an accepted event is then written into <see cref="Output"/> as the LogEvent v1
/// object <see cref="LogEventWriter"/> would write for it, without becoming a <see cref="LogEvent"/>.
/// </remarks>
internal sealed class EventParser
{
    public enum Mode
    {
        /// <summary>Accepted events become <see cref="LogEvent"/>s.</summary>
        Full,
        /// <summary>Accepted events yield only <see cref="Counted"/>.</summary>
        Count,
        /// <summary>Accepted events are written into <see cref="Output"/>.</summary>
        Encode,
    }

    public enum Outcome
    {
        Accepted,
        Rejected,
        /// <summary>The top-level object has an "events" property: it is a batch wrapper, not an event.</summary>
        Wrapper,
    }

    [Flags]
    internal enum Field : ushort
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
    private const int TraceIdLength = EventRules.TraceIdLength;
    private const int SpanIdLength = EventRules.SpanIdLength;
    // Attribute strings are reused by position (see lastAttributeKeys); events rarely have more attributes than this.
    private const int ReusedAttributeSlots = 16;
    // Fields that can be set from more than one source name (Id..Host): one precedence slot each.
    private const int MappedFields = 10;

    // Text only validated in counting mode is decoded into this buffer when short, else into one rented for the value.
    private const int TextBufferChars = 1024;
    // What counting mode keeps for a valid attribute value: the attribute list needs only the keys, for the duplicate rule.
    private const string Validated = "";

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly LogEventLimits limits;
    private readonly Mode mode;
    private DateTimeOffset receivedAtUtc;
    private long latestTimestampTicks;
    private long earliestTimestampTicks;
    private char[]? textBuffer;
    private Func<int, string>? newId;
    private readonly List<FieldError> errors = [];
    private readonly byte[] scratch = new byte[ScratchBytes];
    private readonly List<KeyValuePair<string, string>> attributes = [];
    private FieldMapping mapping;
    private string? defaultTenant;
    // Per field, the rank of the source that set it in this event (-1: not set; 0: canonical name; n: nth alias), and,
    // after a restart, the rank that wins (see Parse).
    private readonly int[] sourceRank = new int[MappedFields];
    private readonly int[] winnerRank = new int[MappedFields];
    // Attributes of this event, from every source (the attributes object, unknown fields, flattened objects), including
    // those past the limit, which are counted and skipped.
    private int attributeCount;
    private ArrayBufferWriter<byte>? arrayBuffer;
    private Utf8JsonWriter? arrayWriter;

    // Events of one payload usually share tenant, service, host and attribute keys (often values too). Reusing the
    // previous event's string when the raw bytes are equal saves most per-event allocations, and the reused value
    // needs no re-validation because it passed the same rules with the same limits.
    // Tenants and services take a few recent values each: a payload (or, for the counting reader, a stream of
    // payloads) often alternates between a handful of services, which a single last value would miss every time.
    private const int RecentSeriesValues = 8;
    private readonly string?[] recentTenantIds = new string?[RecentSeriesValues];
    private readonly string?[] recentServices = new string?[RecentSeriesValues];
    private int nextTenantId;
    private int nextService;
    private string? lastHost;
    private readonly string?[] lastAttributeKeys = new string?[ReusedAttributeSlots];
    private readonly string?[] lastAttributeValues = new string?[ReusedAttributeSlots];

    // Encoding mode: the unescaped values of the event being read, by where they lie in `values`; `pendingValue` is
    // the one the field reader last copied (None when it copied nothing).
    private readonly PooledBuffer? values;
    private readonly List<ValueRef> attributeValues = [];
    private ValueRef pendingValue, idValue, messageValue, hostValue, traceIdValue, spanIdValue;

    public EventParser(LogEventLimits limits, DateTimeOffset receivedAt, Func<int, string>? newId = null,
        FieldMapping? mapping = null, string? defaultTenant = null, Mode mode = Mode.Full)
    {
        this.limits = limits;
        this.mapping = mapping ?? FieldMapping.Default;
        this.defaultTenant = defaultTenant;
        this.newId = newId;
        this.mode = mode;
        values = mode == Mode.Encode ? new PooledBuffer(1024) : null;
        Reset(receivedAt);
    }

    public FieldMapping Mapping => mapping;

    /// <summary>In encoding mode, the set an accepted event is written into (it stays pending until the set commits it).</summary>
    public EncodedEvents? Output { get; set; }

    /// <summary>In counting mode, what the last event <see cref="Parse"/> accepted is counted by.</summary>
    public CountedEvent Counted { get; private set; }

    /// <summary>
    /// Makes the parser read a new payload received at <paramref name="receivedAt"/>. The strings kept from earlier
    /// events stay: they passed the same rules with the same limits, which is what reusing them relies on.
    /// </summary>
    public void Reset(DateTimeOffset receivedAt)
    {
        receivedAtUtc = receivedAt.ToUniversalTime();
        (latestTimestampTicks, earliestTimestampTicks) = EventRules.TimestampWindow(receivedAtUtc, limits);
    }

    /// <summary>As <see cref="Reset(DateTimeOffset)"/>, for a read that also names ids, mapping and default tenant anew.</summary>
    public void Reset(DateTimeOffset receivedAt, Func<int, string>? newId, FieldMapping mapping, string? defaultTenant)
    {
        Reset(receivedAt);
        this.newId = newId;
        this.mapping = mapping;
        this.defaultTenant = defaultTenant;
    }

    /// <summary>
    /// Reads the event object the reader is positioned on (StartObject) and leaves it on the matching EndObject,
    /// except for <see cref="Outcome.Wrapper"/>, which leaves it on the "events" property name.
    /// Throws <see cref="JsonException"/> only for malformed JSON; every other problem becomes a field error.
    /// </summary>
    /// <param name="index">The event's position in the payload, from which a missing id is derived.</param>
    public Outcome Parse(ref Utf8JsonReader reader, bool topLevel, int index, out LogEvent? accepted, out FieldError[]? errors)
    {
        // One pass decides which source of a field wins as long as the sources come in precedence order, which is the
        // common case. Only when a better source follows one already read (severity after level) is the event read
        // again from a copy of the reader, with the winners known from a scan of the names.
        var start = reader;
        if (ParseOnce(ref reader, topLevel, index, winnersKnown: false, out accepted, out errors) is { } outcome)
        {
            return outcome;
        }
        reader = start;
        FindWinners(start);
        return ParseOnce(ref reader, topLevel, index, winnersKnown: true, out accepted, out errors)
            ?? throw new InvalidOperationException("the second pass cannot meet a better source than the winner");
    }

    /// <summary>Null: a source of higher precedence followed one already taken; read again with the winners known.</summary>
    private Outcome? ParseOnce(ref Utf8JsonReader reader, bool topLevel, int index, bool winnersKnown, out LogEvent? accepted, out FieldError[]? errors)
    {
        accepted = null;
        errors = null;
        this.errors.Clear();
        this.attributes.Clear();
        attributeCount = 0;
        Array.Fill(sourceRank, -1);
        if (values is not null)
        {
            values.Truncate(0);
            attributeValues.Clear();
            idValue = messageValue = hostValue = traceIdValue = spanIdValue = ValueRef.None;
        }

        Field seen = Field.None;
        string? id = null, tenantId = null, service = null, message = null, traceId = null, spanId = null, host = null;
        long timestampTicks = receivedAtUtc.UtcTicks;
        Severity severity = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = Identify(ref reader, out var alias);
            if (field == Field.Events && topLevel)
            {
                return Outcome.Wrapper;
            }
            if (field is Field.Unknown or Field.Events)
            {
                string? key = ReadTopLevelKey(ref reader);
                reader.Read();
                AddAttribute(ref reader, key, topLevel: true);
                continue;
            }
            reader.Read();
            if (field == Field.Attributes)
            {
                if ((seen & field) != 0)
                {
                    AddError(LogEventFields.Attributes, EventRules.DuplicateField(LogEventFields.Attributes));
                    reader.Skip();
                    continue;
                }
                seen |= field;
                ReadAttributes(ref reader);
                continue;
            }
            int slot = BitOperations.TrailingZeroCount((uint)field);
            int rank = alias?.Rank ?? 0;
            string name = alias?.Name ?? NameOf(field);
            int taken = sourceRank[slot];
            if (winnersKnown ? rank != winnerRank[slot] : taken >= 0 && rank > taken)
            {
                // A source of lower precedence than the one that sets the field: kept, as an attribute under its name.
                AddAttribute(ref reader, name, topLevel: true);
                continue;
            }
            if (taken == rank)
            {
                AddError(name, EventRules.DuplicateField(name));
                reader.Skip();
                continue;
            }
            if (taken >= 0)
            {
                return null;
            }
            sourceRank[slot] = rank;
            seen |= field;
            pendingValue = ValueRef.None;
            switch (field)
            {
                case Field.Id: id = ReadId(ref reader, name); idValue = pendingValue; break;
                case Field.TenantId: tenantId = ReadTenantId(ref reader, name); break;
                case Field.Timestamp: timestampTicks = ReadTimestamp(ref reader, name); break;
                case Field.Severity: severity = ReadSeverity(ref reader, name); break;
                case Field.Service: service = ReadService(ref reader, name); break;
                case Field.Message: message = ReadMessage(ref reader, name); messageValue = pendingValue; break;
                case Field.TraceId: traceId = ReadHexId(ref reader, name, TraceIdLength); traceIdValue = pendingValue; break;
                case Field.SpanId: spanId = ReadHexId(ref reader, name, SpanIdLength); spanIdValue = pendingValue; break;
                case Field.Host: host = ReadHost(ref reader, name); hostValue = pendingValue; break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            // Unreachable with a final-block reader (it throws first); kept so a truncated object can never pass.
            throw new JsonException("unexpected end of the event object");
        }

        if ((seen & Field.TenantId) == 0 && defaultTenant is not null)
        {
            tenantId = defaultTenant;
            seen |= Field.TenantId;
        }
        RequireField(seen, Field.TenantId);
        RequireField(seen, Field.Service);
        RequireField(seen, Field.Severity);
        RequireField(seen, Field.Message);
        if (attributeCount > this.limits.MaxAttributes)
        {
            EventRules.AttributeCount(attributeCount, this.limits, this.errors);
        }

        if (this.errors.Count > 0)
        {
            errors = this.errors.ToArray();
            return Outcome.Rejected;
        }
        if (mode == Mode.Count)
        {
            Counted = new CountedEvent(tenantId!, service!, severity, new DateTimeOffset(timestampTicks, TimeSpan.Zero));
            return Outcome.Accepted;
        }
        if (mode == Mode.Encode)
        {
            WriteEncoded(index, tenantId!, new DateTimeOffset(timestampTicks, TimeSpan.Zero), severity, service!);
            return Outcome.Accepted;
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

    /// <summary>Which source of each field wins in the object the reader (a copy) is on: the lowest rank present.</summary>
    private void FindWinners(Utf8JsonReader reader)
    {
        Array.Fill(winnerRank, int.MaxValue);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = Identify(ref reader, out var alias);
            if (field is not (Field.Unknown or Field.Events or Field.Attributes))
            {
                int slot = BitOperations.TrailingZeroCount((uint)field);
                winnerRank[slot] = Math.Min(winnerRank[slot], alias?.Rank ?? 0);
            }
            reader.Read();
            reader.Skip();
        }
    }

    private string? ReadId(ref Utf8JsonReader reader, string field)
    {
        if (!IsString(ref reader, field, optional: true))
        {
            return null;
        }
        if (mode != Mode.Full)
        {
            // A count is de-duplicated by its message, never by an event id: only the id's rules apply.
            if (TryGetText(ref reader, field, out var text, out var rented))
            {
                if (EventRules.IsValidId(text, field, this.limits, this.errors))
                {
                    Keep(ref reader);
                }
                Return(rented);
            }
            return null;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        return EventRules.Id(value, field, this.limits, this.errors);
    }

    private string? ReadTenantId(ref Utf8JsonReader reader, string field)
    {
        if (!IsString(ref reader, field, optional: false))
        {
            return null;
        }
        if (ReuseRecent(ref reader, recentTenantIds) is { } reused)
        {
            return reused;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        return EventRules.TenantId(value, field, this.limits, this.errors) is { } valid ? Remember(recentTenantIds, ref nextTenantId, valid) : null;
    }

    private string? ReadService(ref Utf8JsonReader reader, string field)
    {
        if (!IsString(ref reader, field, optional: false))
        {
            return null;
        }
        if (ReuseRecent(ref reader, recentServices) is { } reused)
        {
            return reused;
        }
        if (GetString(ref reader, field) is not { } value)
        {
            return null;
        }
        return EventRules.Service(value, field, this.limits, this.errors) is { } valid ? Remember(recentServices, ref nextService, valid) : null;
    }

    private string? ReadHost(ref Utf8JsonReader reader, string field)
    {
        if (!IsString(ref reader, field, optional: true))
        {
            return null;
        }
        if (mode != Mode.Full)
        {
            if (TryGetText(ref reader, field, out var text, out var rented))
            {
                if (EventRules.IsValidHost(text, field, this.limits, this.errors))
                {
                    Keep(ref reader);
                }
                Return(rented);
            }
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
        return EventRules.Host(value, field, this.limits, this.errors) is { } valid ? lastHost = valid : null;
    }

    private string? ReadMessage(ref Utf8JsonReader reader, string field)
    {
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
        if (!TryGetValidatedText(ref reader, field, out var value, out var text, out var rented))
        {
            return null;
        }
        try
        {
            if (rawLength > limit && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > limit)
            {
                AddError(field, MessageTooLong(bytes));
                return null;
            }
            if (HasNul(ref reader, text))
            {
                AddError(field, NulMessage(field));
                return null;
            }
            Keep(ref reader);
            return value;
        }
        finally
        {
            Return(rented);
        }

        string MessageTooLong(int bytes) => EventRules.MessageTooLong(field, bytes, this.limits);
    }

    private long ReadTimestamp(ref Utf8JsonReader reader, string field)
    {
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
            case TimestampProblem.None:
                EventRules.TimestampBounds(ticks, field, latestTimestampTicks, earliestTimestampTicks, this.limits, this.errors);
                break;
            case TimestampProblem.DateOnly:
                AddError(field, $"{field} has a date but no time; it must be {expected} with an offset, {example}");
                break;
            case TimestampProblem.NoOffset:
                AddError(field, $"{field} has no UTC offset; append Z or +hh:mm/-hh:mm (RFC 3339), {example}");
                break;
            case TimestampProblem.InvalidValue:
                AddError(field, $"{field} is not a valid date and time (month 01-12, a day that exists in that month, " +
                    "hour 00-23, minute and second 00-59, offset at most 23:59, year 0001-9999 after conversion to UTC)");
                break;
            default:
                AddError(field, $"{field} must be {expected} with an offset (YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm)), {example}");
                break;
        }
        return ticks;
    }

    private Severity ReadSeverity(ref Utf8JsonReader reader, string field)
    {
        Severity severity;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (TryGetSmallValue(ref reader, out var text) && SeverityNames.TryParse(text, out severity))
                {
                    return severity;
                }
                AddError(field, $"{field} \"{Echo(reader.ValueSpan)}\" is not recognized; use {SeverityNames.AcceptedSpellings}");
                return default;
            case JsonTokenType.Number:
                if (reader.ValueSpan.ContainsAny(".eE"u8))
                {
                    // 2.0 or 1e1 may be a float that happens to be integral, or a mistake; either way not a SeverityNumber.
                    AddError(field, $"{field} {Echo(reader.ValueSpan)} is not an OpenTelemetry SeverityNumber (an integer 1-24 written as plain digits, without fraction or exponent); use {SeverityNames.AcceptedSpellings}");
                    return default;
                }
                if (reader.TryGetInt32(out int number) && SeverityNames.TryFromSeverityNumber(number, out severity))
                {
                    return severity;
                }
                AddError(field, $"{field} {Echo(reader.ValueSpan)} is not an OpenTelemetry SeverityNumber (an integer 1-24); use {SeverityNames.AcceptedSpellings}");
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
            WrongType(ref reader, field, "an object (values: strings, numbers, booleans, nested objects, arrays or null)");
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? key = ReadAttributeKey(ref reader, prefix: null, topLevel: false);
            reader.Read();
            AddAttribute(ref reader, key, topLevel: false);
        }
    }

    /// <summary>The key of an unknown top-level field, which becomes an attribute.</summary>
    private string? ReadTopLevelKey(ref Utf8JsonReader reader) => ReadAttributeKey(ref reader, prefix: null, topLevel: true);

    /// <summary>
    /// Adds the value the reader is on as attribute <paramref name="key"/> (null: the key was invalid, the value is
    /// still read for its errors and counted). Null values are skipped, objects are flattened into
    /// <c>key + separator + inner key</c>, arrays kept as their compact JSON text.
    /// </summary>
    private void AddAttribute(ref Utf8JsonReader reader, string? key, bool topLevel)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string? inner = key is null ? null : ReadAttributeKey(ref reader, key, topLevel);
                    reader.Read();
                    AddAttribute(ref reader, inner, topLevel);
                }
                return;
        }
        if (++attributeCount > this.limits.MaxAttributes)
        {
            // Only counted from here on: the event is rejected anyway, and the count makes the error useful.
            reader.Skip();
            return;
        }
        pendingValue = ValueRef.None;
        if (ReadAttributeValue(ref reader, key, topLevel) is not { } value || key is null)
        {
            return;
        }
        if (ContainsKey(key))
        {
            AddError(AttributeField(key, topLevel), EventRules.DuplicateAttribute(key));
            return;
        }
        this.attributes.Add(new(key, value));
        if (values is not null)
        {
            attributeValues.Add(pendingValue);
        }
    }

    /// <summary>
    /// The property name the reader is on, as an attribute key: alone, or after <paramref name="prefix"/> and the
    /// separator for a member of a nested object.
    /// </summary>
    private string? ReadAttributeKey(ref Utf8JsonReader reader, string? prefix, bool topLevel)
    {
        string field = topLevel ? LogEventFields.WholeEvent : LogEventFields.Attributes;
        int position = this.attributes.Count;
        bool slot = position < ReusedAttributeSlots;
        if (slot && (prefix is null ? Reuse(ref reader, lastAttributeKeys[position]) : ReuseJoined(ref reader, prefix, lastAttributeKeys[position])) is { } reused)
        {
            return reused;
        }
        string name;
        try
        {
            name = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            AddError(field, "attribute keys must be valid Unicode text (invalid UTF-8 or an unpaired surrogate escape)");
            return null;
        }
        string key = prefix is null ? name : string.Concat(prefix, mapping.Separator, name);
        if (EventRules.AttributeKey(key, name, topLevel, this.limits, this.errors) is null)
        {
            return null;
        }
        if (slot)
        {
            lastAttributeKeys[position] = key;
        }
        return key;
    }

    private string? ReadAttributeValue(ref Utf8JsonReader reader, string? key, bool topLevel)
    {
        int position = this.attributes.Count;
        bool slot = position < ReusedAttributeSlots;
        int limit = this.limits.MaxAttributeValueBytes;
        int rawLength = reader.ValueSpan.Length;
        string? value;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return Constant("true", "true"u8);
            case JsonTokenType.False:
                return Constant("false", "false"u8);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, key, topLevel);
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
                    value = mode == Mode.Full ? Encoding.UTF8.GetString(reader.ValueSpan) : Validated;
                    Keep(ref reader);
                }
                else if (!TryGetValidatedText(ref reader, new ErrorField(key, topLevel), out var decoded, out var text, out var rented))
                {
                    return null;
                }
                else
                {
                    try
                    {
                        if (rawLength > limit && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > limit)
                        {
                            AddError(FieldName(key), ValueTooLong(key, bytes));
                            return null;
                        }
                        if (HasNul(ref reader, text))
                        {
                            AddError(FieldName(key), NulMessage(FieldName(key)));
                            return null;
                        }
                        value = decoded ?? Validated;
                        Keep(ref reader);
                    }
                    finally
                    {
                        Return(rented);
                    }
                }
                if (slot && mode == Mode.Full)
                {
                    lastAttributeValues[position] = value;
                }
                return value;
            default:
                string field = FieldName(key);
                AddError(field, $"{field} must be a string, number, boolean, object, array or null, got {TypeName(reader.TokenType)}");
                reader.Skip();
                return null;
        }

        string FieldName(string? key) => EventRules.AttributeField(key, topLevel);
        string ValueTooLong(string? key, int bytes) => EventRules.ValueTooLong(FieldName(key), bytes, this.limits);
    }

    /// <summary>An array, kept as its compact JSON text (arrays are rare in logs; this path may allocate).</summary>
    private string? ReadArray(ref Utf8JsonReader reader, string? key, bool topLevel)
    {
        string field = EventRules.AttributeField(key, topLevel);
        var buffer = arrayBuffer ??= new ArrayBufferWriter<byte>();
        var writer = arrayWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            JsonElement.ParseValue(ref reader).WriteTo(writer);
            writer.Flush();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 or an unpaired surrogate inside a string of the array: the writer refuses to re-encode it.
            AddError(field, $"{field} must be valid Unicode text (found invalid UTF-8 or an unpaired surrogate escape)");
            return null;
        }
        if (buffer.WrittenCount > this.limits.MaxAttributeValueBytes)
        {
            AddError(field, $"{field} is {buffer.WrittenCount} bytes as JSON text; limit is {this.limits.MaxAttributeValueBytes} ({LimitKeys.MaxAttributeValueBytes})");
            return null;
        }
        if (key is null)
        {
            return null;
        }
        if (mode == Mode.Encode)
        {
            pendingValue = new ValueRef(values!.Add(buffer.WrittenSpan), buffer.WrittenCount);
        }
        return mode == Mode.Full ? Encoding.UTF8.GetString(buffer.WrittenSpan) : Validated;
    }

    // Errors on an attribute name it as it was sent: "attributes.k" inside the attributes object, "k" for a top-level field.
    private static string AttributeField(string key, bool topLevel) => EventRules.AttributeField(key, topLevel);

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
            AddError(field, EventRules.HexIdFormat(field, length));
            return null;
        }
        if (!text.ContainsAnyExcept((byte)'0'))
        {
            AddError(field, EventRules.HexIdZero(field));
            return null;
        }
        if (mode == Mode.Count)
        {
            return null;
        }
        if (mode == Mode.Encode)
        {
            var start = values!.Length;
            Ascii.ToLower(text, values.GetSpan(length), out _);
            values.Advance(length);
            pendingValue = new ValueRef(start, length);
            return null;
        }
        Span<char> lower = stackalloc char[length];
        Ascii.ToLower(text, lower, out _);
        return new string(lower);
    }

    /// <summary>Encoding mode: copies the string or number the reader is on, unescaped, as the field's pending value.</summary>
    private void Keep(ref Utf8JsonReader reader)
    {
        if (values is null)
        {
            return;
        }
        var start = values.Length;
        if (!reader.ValueIsEscaped)
        {
            values.Add(reader.ValueSpan);
        }
        else
        {
            // Unescaping never makes text longer; the text was checked as valid before it is kept.
            values.Advance(reader.CopyString(values.GetSpan(reader.ValueSpan.Length)));
        }
        pendingValue = new ValueRef(start, values.Length - start);
    }

    private string Constant(string text, ReadOnlySpan<byte> utf8)
    {
        if (values is not null)
        {
            pendingValue = new ValueRef(values.Add(utf8), utf8.Length);
        }
        return text;
    }

    private ReadOnlySpan<byte> Value(ValueRef value) => values!.Slice(value.Start, value.Length);

    /// <summary>Writes the accepted event as <see cref="LogEventWriter.WriteEvent"/> writes the same event, member for member.</summary>
    private void WriteEncoded(int index, string tenantId, DateTimeOffset timestamp, Severity severity, string service)
    {
        var writer = Output!.BeginEvent();
        writer.WriteStartObject();
        bool generated = !idValue.IsSet;
        if (!generated)
        {
            writer.WriteString(LogEventWriter.IdName, Value(idValue));
        }
        else if (newId is not null)
        {
            writer.WriteString(LogEventWriter.IdName, newId(index));
        }
        else
        {
            Span<byte> uuid = stackalloc byte[36];
            Uuid7.New(receivedAtUtc).TryFormat(uuid, out int written);
            writer.WriteString(LogEventWriter.IdName, uuid[..written]);
        }
        writer.WriteString(LogEventWriter.TenantIdName, tenantId);
        LogEventWriter.WriteTimestampAndSeverity(writer, timestamp, severity);
        writer.WriteString(LogEventWriter.ServiceName, service);
        writer.WriteString(LogEventWriter.MessageName, Value(messageValue));
        if (this.attributes.Count > 0)
        {
            writer.WriteStartObject(LogEventWriter.AttributesName);
            for (int i = 0; i < this.attributes.Count; i++)
            {
                writer.WriteString(this.attributes[i].Key, Value(attributeValues[i]));
            }
            writer.WriteEndObject();
        }
        if (traceIdValue.IsSet)
        {
            writer.WriteString(LogEventWriter.TraceIdName, Value(traceIdValue));
        }
        if (spanIdValue.IsSet)
        {
            writer.WriteString(LogEventWriter.SpanIdName, Value(spanIdValue));
        }
        if (hostValue.IsSet)
        {
            writer.WriteString(LogEventWriter.HostName, Value(hostValue));
        }
        writer.WriteEndObject();
        Output.EndEvent(tenantId, generated, generated ? default : Value(idValue));
    }

    /// <summary>
    /// The field an error names: a field's name, or an attribute's, made only when there is an error to name it in (the
    /// name of an attribute inside the attributes object is a new string, "attributes." and its key).
    /// </summary>
    private readonly struct ErrorField
    {
        private readonly string? name;
        private readonly string? attributeKey;
        private readonly bool topLevel;

        public ErrorField(string? attributeKey, bool topLevel) => (this.attributeKey, this.topLevel) = (attributeKey, topLevel);

        private ErrorField(string name) => this.name = name;

        public string Name => name ?? EventRules.AttributeField(attributeKey, topLevel);

        public static implicit operator ErrorField(string name) => new(name);
    }

    /// <summary>Where a kept value lies in the event's value buffer.</summary>
    private readonly record struct ValueRef(int Start, int Length)
    {
        public static readonly ValueRef None = new(-1, 0);

        public bool IsSet => Start >= 0;
    }

    private void RequireField(Field seen, Field field)
    {
        if ((seen & field) == 0)
        {
            EventRules.Required(NameOf(field), mapping, this.errors);
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

    private string? GetString(ref Utf8JsonReader reader, ErrorField field)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // The reader checks JSON syntax, not UTF-8 or surrogate escapes; those surface only when decoding.
            AddError(field.Name, InvalidText(field.Name));
            return null;
        }
    }

    private static string InvalidText(string field) => $"{field} must be valid Unicode text (found invalid UTF-8 or an unpaired surrogate escape)";

    /// <summary>
    /// The string value the reader is on, decoded and checked as <see cref="GetString"/> does, but into a buffer
    /// instead of a new string: into <see cref="textBuffer"/> when short, else into <paramref name="rented"/>, which the
    /// caller gives back with <see cref="Return"/>. Unescaping never makes text longer, so the raw length bounds it.
    /// </summary>
    private bool TryGetText(ref Utf8JsonReader reader, ErrorField field, out ReadOnlySpan<char> text, out char[]? rented)
    {
        int bound = reader.ValueSpan.Length;
        rented = null;
        Span<char> buffer = bound <= TextBufferChars
            ? (textBuffer ??= new char[TextBufferChars])
            : (rented = ArrayPool<char>.Shared.Rent(bound));
        try
        {
            text = buffer[..reader.CopyString(buffer)];
            return true;
        }
        catch (InvalidOperationException)
        {
            Return(rented);
            rented = null;
            text = default;
            AddError(field.Name, InvalidText(field.Name));
            return false;
        }
    }

    /// <summary>
    /// A string value that only has to be checked in counting mode: the full reader gets it as a string
    /// (<paramref name="value"/>), the counting reader as text in a buffer (<paramref name="value"/> null). Text that is
    /// not escaped needs no decoding there: the checks that follow look at the raw bytes for it.
    /// </summary>
    private bool TryGetValidatedText(ref Utf8JsonReader reader, ErrorField field, out string? value, out ReadOnlySpan<char> text, out char[]? rented)
    {
        rented = null;
        if (mode == Mode.Full)
        {
            value = GetString(ref reader, field);
            text = value;
            return value is not null;
        }
        value = null;
        if (!reader.ValueIsEscaped)
        {
            // What GetString would refuse in raw text is invalid UTF-8; NUL and the byte limit are decided on the raw bytes.
            text = default;
            if (!Utf8.IsValid(reader.ValueSpan))
            {
                AddError(field.Name, InvalidText(field.Name));
                return false;
            }
            return true;
        }
        return TryGetText(ref reader, field, out text, out rented);
    }

    private static void Return(char[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
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

    private string NewId(int index) => EventRules.NewId(receivedAtUtc, this.newId, index);

    // JSON can carry U+0000 only as the escape \u0000, so an unescaped value cannot hold one. Postgres text cannot store
    // it, so it never goes further than here.
    private static bool HasNul(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> value) => reader.ValueIsEscaped && value.Contains('\0');

    private static string NulMessage(string field) => EventRules.Nul(field);

    private static string? Reuse(ref Utf8JsonReader reader, string? previous) =>
        previous is not null && !reader.ValueIsEscaped && Ascii.Equals(reader.ValueSpan, previous) ? previous : null;

    private static string? ReuseRecent(ref Utf8JsonReader reader, string?[] recent)
    {
        foreach (var previous in recent)
        {
            if (Reuse(ref reader, previous) is { } reused)
            {
                return reused;
            }
        }
        return null;
    }

    private static string Remember(string?[] recent, ref int next, string value)
    {
        recent[next] = value;
        next = (next + 1) % recent.Length;
        return value;
    }

    /// <summary>The previous key when it is <paramref name="prefix"/>, the separator and the name the reader is on.</summary>
    private string? ReuseJoined(ref Utf8JsonReader reader, string prefix, string? previous)
    {
        string separator = mapping.Separator;
        int nameStart = prefix.Length + separator.Length;
        return previous is not null && !reader.ValueIsEscaped && previous.Length == nameStart + reader.ValueSpan.Length
            && previous.StartsWith(prefix, StringComparison.Ordinal)
            && previous.AsSpan(prefix.Length).StartsWith(separator, StringComparison.Ordinal)
            && Ascii.Equals(reader.ValueSpan, previous.AsSpan(nameStart)) ? previous : null;
    }

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

    /// <summary>The field the property name sets, and the alias it is (null for a canonical name). No allocation.</summary>
    private Field Identify(ref Utf8JsonReader reader, out FieldMapping.AliasEntry? alias)
    {
        alias = null;
        if (!TryGetSmallValue(ref reader, out var name))
        {
            return Field.Unknown;
        }
        Field field = Match(name);
        if (field == Field.Unknown && mapping.Find(name) is { } entry)
        {
            alias = entry;
            return entry.Flag;
        }
        return field;
    }

    internal static Field FieldOf(string canonical) => Match(Encoding.UTF8.GetBytes(canonical));

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

    private static string Echo(ReadOnlySpan<byte> raw) => EventRules.Echo(raw);
}
