using System.Text.Json;
using LogDapr.Contracts.Events.Encoded;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Parses, validates and normalizes LogEvent v1 payloads. Pure: no I/O, no clock (the receive time is passed in),
/// never throws on any input (malformed input becomes a <see cref="PayloadError"/> or a <see cref="RejectedEvent"/>).
/// Thread-safe: one instance can serve all requests.
/// </summary>
/// <remarks>
/// <para>JSON payloads: one event object, a JSON array of events, or <c>{"events":[...]}</c> (other properties of the
/// wrapper are ignored). A top-level object with an "events" property is always taken as the wrapper. An array element
/// that is not an object is a rejected event. A leading UTF-8 byte order mark is skipped.</para>
/// <para>NDJSON payloads: one event object per line ('\n' or "\r\n"). Lines holding only whitespace are ignored and
/// do not count; <see cref="RejectedEvent.Index"/> is the 0-based position among the non-blank lines. Lines are
/// independent: a malformed line rejects only that line (field <see cref="LogEventFields.WholeEvent"/>).</para>
/// <para>Per event: all field errors are collected. Strings must be valid UTF-8; JSON null for an optional field means
/// absent; field names are case-sensitive.</para>
/// <para>Field names: each field is read from its canonical name or one of its aliases (<see cref="FieldMapping"/>,
/// <see cref="FieldMapping.Default"/> unless given). Every other top-level field becomes an attribute: strings,
/// numbers and booleans as in the attributes object, nested objects flattened into <c>a.b.c</c> keys with the mapping's
/// separator, arrays as their compact JSON text, null skipped. They count against the attribute limits together with
/// the attributes object (whose nested objects and arrays are taken the same way); past
/// <see cref="LogEventLimits.MaxAttributes"/> the event is rejected, naming the count and the limit.</para>
/// </remarks>
public sealed class LogEventReader
{
    // Events are flat; 16 leaves room for nesting in unknown fields while bounding the work on hostile input.
    private const int MaxDepth = 16;

    private static readonly JsonReaderOptions Options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private readonly FieldMapping fixedMapping;
    private readonly Func<FieldMapping>? currentMapping;
    private readonly EventParserPool encoders = new();

    public LogEventReader(LogEventLimits limits, FieldMapping? mapping = null)
    {
        Limits = limits ?? throw new ArgumentNullException(nameof(limits));
        fixedMapping = mapping ?? FieldMapping.Default;
    }

    private LogEventReader(LogEventLimits limits, Func<FieldMapping> currentMapping)
        : this(limits)
    {
        this.currentMapping = currentMapping;
    }

    public LogEventLimits Limits { get; }

    /// <summary>The aliases and separator this reader applies (for a <see cref="Reloadable"/> reader: the current ones).</summary>
    public FieldMapping Mapping => currentMapping?.Invoke() ?? fixedMapping;

    /// <summary>
    /// A reader whose mapping may change between reads (a pipeline's mapping, reloaded while the service runs): each
    /// <see cref="Read"/> asks <paramref name="currentMapping"/> once at its start and uses that mapping to its end, so
    /// no payload is read half with the old aliases and half with the new ones.
    /// </summary>
    public static LogEventReader Reloadable(LogEventLimits limits, Func<FieldMapping> currentMapping)
    {
        ArgumentNullException.ThrowIfNull(currentMapping);
        return new LogEventReader(limits, currentMapping);
    }

    /// <param name="receivedAt">The receive time: the default timestamp, and where the future skew and past window count from.</param>
    /// <param name="newEventId">
    /// Makes the id of an event that has none, from its index in the payload (as <see cref="RejectedEvent.Index"/>
    /// counts); such events are marked <see cref="LogEvent.IdGenerated"/>. Null: a UUIDv7 from the receive time.
    /// A caller that reads the same request again (a retry) derives the same ids this way.
    /// </param>
    /// <param name="defaultTenant">
    /// The tenant of an event that names none (ingest: the API key's tenant). Null: tenant_id is required. Must itself
    /// be a valid tenant id within <see cref="LogEventLimits.MaxTenantIdLength"/>, else <see cref="ArgumentException"/>.
    /// </param>
    public ParseResult Read(ReadOnlySpan<byte> utf8, PayloadFormat format, DateTimeOffset receivedAt, Func<int, string>? newEventId = null,
        string? defaultTenant = null)
    {
        RequireValidDefaultTenant(defaultTenant);
        var parser = new EventParser(Limits, receivedAt, newEventId, Mapping, defaultTenant);
        var sink = new Sink(parser, counted: null);
        return ReadPayload(utf8, format, parser, sink) is { } error
            ? new ParseResult { Error = error }
            : new ParseResult { Accepted = sink.Accepted!, Rejected = (IReadOnlyList<RejectedEvent>?)sink.Rejected ?? [] };
    }

    /// <summary>
    /// Reads a payload as <see cref="Read"/> does (the arguments mean the same; rejections and payload errors are its
    /// own, word for word), but writes each accepted event straight into the returned set as the LogEvent v1 object
    /// <see cref="LogEventWriter"/> would write for the event <see cref="Read"/> returns: no <see cref="LogEvent"/> is
    /// made, and an event whose tenant, service, host and attribute keys repeat earlier ones allocates nothing.
    /// The caller disposes the result.
    /// </summary>
    public EncodedParseResult Encode(ReadOnlySpan<byte> utf8, PayloadFormat format, DateTimeOffset receivedAt, Func<int, string>? newEventId = null,
        string? defaultTenant = null)
    {
        RequireValidDefaultTenant(defaultTenant);
        var parser = encoders.TryRent() ?? new EventParser(Limits, receivedAt, mode: EventParser.Mode.Encode);
        parser.Reset(receivedAt, newEventId, Mapping, defaultTenant);
        // Sized for the payload: a normalized event is about as long as the event sent (an id and a timestamp may be
        // added, whitespace and unknown fields' nesting go), so the buffers rarely grow.
        var output = new EncodedEvents(Math.Min(utf8.Length / 100, Limits.MaxEventsPerBatch), utf8.Length + (utf8.Length / 4) + 256);
        parser.Output = output;
        try
        {
            var sink = new Sink(parser, counted: null, output);
            if (ReadPayload(utf8, format, parser, sink) is { } error)
            {
                output.Dispose();
                return new EncodedParseResult { Error = error };
            }
            return new EncodedParseResult { Accepted = output, Rejected = (IReadOnlyList<RejectedEvent>?)sink.Rejected ?? [] };
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            parser.Output = null;
            encoders.Return(parser);
        }
    }

    private void RequireValidDefaultTenant(string? defaultTenant)
    {
        if (defaultTenant is not null && TenantIds.Problem(defaultTenant, Limits.MaxTenantIdLength) is { } problem)
        {
            throw new ArgumentException($"default tenant \"{defaultTenant}\": {problem}", nameof(defaultTenant));
        }
    }

    /// <summary>
    /// Walks the payload's events through <paramref name="parser"/> into <paramref name="sink"/>: the one walk of both
    /// this reader and <see cref="LogEventCountingReader"/>, so both see the same events at the same indexes.
    /// </summary>
    internal PayloadError? ReadPayload(ReadOnlySpan<byte> utf8, PayloadFormat format, EventParser parser, Sink sink)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }
        PayloadError? error = format switch
        {
            PayloadFormat.Json => ReadJson(utf8, parser, sink),
            PayloadFormat.Ndjson => ReadNdjson(utf8, parser, sink),
            _ => new PayloadError(PayloadErrorKind.UnsupportedShape, $"unknown payload format {format}"),
        };
        if (error is null && sink.Count == 0)
        {
            error = new PayloadError(PayloadErrorKind.Empty, "payload contains no events");
        }
        return error;
    }

    private PayloadError? ReadJson(ReadOnlySpan<byte> utf8, EventParser parser, Sink sink)
    {
        if (IsBlank(utf8))
        {
            return null;
        }
        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            reader.Read();
            PayloadError? error;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    error = ReadArray(ref reader, parser, sink);
                    break;
                case JsonTokenType.StartObject:
                    if (parser.Parse(ref reader, topLevel: true, index: 0, out var accepted, out var errors) is var outcome
                        && outcome == EventParser.Outcome.Wrapper)
                    {
                        error = ReadWrapper(ref reader, parser, sink);
                    }
                    else
                    {
                        sink.Add(0, outcome, accepted, errors);
                        error = null;
                    }
                    break;
                default:
                    return new PayloadError(PayloadErrorKind.UnsupportedShape,
                        $"payload must be an event object, an array of event objects or {{\"events\":[...]}}, got {EventParser.TypeName(reader.TokenType)}");
            }
            if (error is not null)
            {
                return error;
            }
            // Throws on anything but whitespace after the top-level value.
            if (reader.Read())
            {
                return Malformed("unexpected data after the top-level JSON value");
            }
            return null;
        }
        catch (JsonException ex)
        {
            return Malformed(ex.Message);
        }
    }

    /// <summary>Reader is on the "events" property name of the top-level object.</summary>
    private PayloadError? ReadWrapper(ref Utf8JsonReader reader, EventParser parser, Sink sink)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new PayloadError(PayloadErrorKind.UnsupportedShape,
                $"\"events\" must be an array of event objects, got {EventParser.TypeName(reader.TokenType)}");
        }
        if (ReadArray(ref reader, parser, sink) is { } error)
        {
            return error;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(LogEventFields.Events))
            {
                return new PayloadError(PayloadErrorKind.UnsupportedShape, "payload has more than one \"events\" property");
            }
            reader.Read();
            reader.Skip();
        }
        return null;
    }

    private PayloadError? ReadArray(ref Utf8JsonReader reader, EventParser parser, Sink sink)
    {
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == Limits.MaxEventsPerBatch)
            {
                return TooManyEvents();
            }
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var outcome = parser.Parse(ref reader, topLevel: false, index, out var accepted, out var errors);
                sink.Add(index, outcome, accepted, errors);
            }
            else
            {
                sink.Reject(index, $"event must be a JSON object, got {EventParser.TypeName(reader.TokenType)}");
                reader.Skip();
            }
            index++;
        }
        return null;
    }

    private PayloadError? ReadNdjson(ReadOnlySpan<byte> utf8, EventParser parser, Sink sink)
    {
        int index = 0;
        while (!utf8.IsEmpty)
        {
            int newline = utf8.IndexOf((byte)'\n');
            var line = newline < 0 ? utf8 : utf8[..newline];
            utf8 = newline < 0 ? default : utf8[(newline + 1)..];
            if (IsBlank(line))
            {
                continue;
            }
            if (index == Limits.MaxEventsPerBatch)
            {
                return TooManyEvents();
            }
            ReadLine(line, index, parser, sink);
            index++;
        }
        return null;
    }

    private static void ReadLine(ReadOnlySpan<byte> line, int index, EventParser parser, Sink sink)
    {
        // A trailing '\r' of "\r\n" is JSON whitespace, so the reader skips it without special handling.
        var reader = new Utf8JsonReader(line, Options);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                sink.Reject(index, $"line must be one JSON event object, got {EventParser.TypeName(reader.TokenType)}");
                return;
            }
            var outcome = parser.Parse(ref reader, topLevel: false, index, out var accepted, out var errors);
            if (reader.Read())
            {
                sink.Reject(index, "malformed JSON: unexpected data after the event object");
                return;
            }
            sink.Add(index, outcome, accepted, errors);
        }
        catch (JsonException ex)
        {
            sink.Reject(index, "malformed JSON: " + ex.Message);
        }
    }

    private PayloadError TooManyEvents() => new(PayloadErrorKind.TooManyEvents,
        $"payload has more than {Limits.MaxEventsPerBatch} events (limit {LimitKeys.MaxEventsPerBatch})");

    private static PayloadError Malformed(string detail) => new(PayloadErrorKind.MalformedJson, "malformed JSON: " + detail);

    private static bool IsBlank(ReadOnlySpan<byte> utf8) => !utf8.ContainsAnyExcept(" \t\r\n"u8);

    /// <summary>
    /// Collects the outcome: the accepted events, or in counting mode what they are counted by (in
    /// <paramref name="counted"/>), or in encoding mode the commit of each accepted event into <paramref name="encoded"/>;
    /// the rejected list is allocated only when something is rejected.
    /// </summary>
    internal sealed class Sink(EventParser parser, List<CountedEvent>? counted, EncodedEvents? encoded = null)
    {
        public List<LogEvent>? Accepted { get; } = counted is null && encoded is null ? [] : null;
        public int AcceptedCount { get; private set; }
        public List<RejectedEvent>? Rejected { get; private set; }
        public int Count => AcceptedCount + (Rejected?.Count ?? 0);

        public void Add(int index, EventParser.Outcome outcome, LogEvent? accepted, FieldError[]? errors)
        {
            if (outcome == EventParser.Outcome.Accepted)
            {
                AcceptedCount++;
                if (encoded is not null)
                {
                    encoded.Commit();
                }
                else if (counted is null)
                {
                    Accepted!.Add(accepted!);
                }
                else
                {
                    counted.Add(parser.Counted);
                }
            }
            else if (errors is not null)
            {
                (Rejected ??= []).Add(new RejectedEvent(index, errors));
            }
        }

        public void Reject(int index, string message) =>
            (Rejected ??= []).Add(new RejectedEvent(index, [new FieldError(LogEventFields.WholeEvent, message)]));
    }
}
