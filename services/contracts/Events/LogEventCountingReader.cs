namespace LogDapr.Contracts.Events;

/// <summary>
/// Reads LogEvent v1 payloads for a consumer that only counts them: every event is validated exactly as
/// <see cref="LogEventReader"/> validates it (the same parser, rules and limits, in counting mode), and an accepted one
/// yields only what it is counted by (<see cref="CountedEvent"/>), not a <see cref="LogEvent"/>: no id, message, host,
/// trace ids or attributes are kept, so reading allocates next to nothing per event. Rejections and payload errors are
/// the full reader's, word for word. Thread-safe: one instance can serve all requests.
/// </summary>
public sealed class LogEventCountingReader
{
    private readonly LogEventReader reader;
    // One parser per concurrent read, kept between reads: its scratch buffers and the tenant, service and attribute-key
    // strings of earlier payloads are reused, which is most of what a counting read would otherwise allocate.
    private readonly EventParserPool parsers = new();

    public LogEventCountingReader(LogEventLimits limits, FieldMapping? mapping = null)
    {
        reader = new LogEventReader(limits, mapping);
    }

    public LogEventLimits Limits => reader.Limits;

    /// <summary>
    /// Reads a payload as <see cref="LogEventReader.Read"/> does (receive time only: no default tenant, and ids are never
    /// generated because none is kept). The accepted events are appended to <paramref name="counted"/> in payload
    /// order, unless the payload is refused as a whole (<see cref="CountResult.Error"/>), in which case nothing is.
    /// </summary>
    public CountResult Count(ReadOnlySpan<byte> utf8, PayloadFormat format, DateTimeOffset receivedAt, List<CountedEvent> counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        var parser = Rent(receivedAt);
        var start = counted.Count;
        try
        {
            var sink = new LogEventReader.Sink(parser, counted);
            if (reader.ReadPayload(utf8, format, parser, sink) is { } error)
            {
                counted.RemoveRange(start, counted.Count - start);
                return new CountResult(error, 0, []);
            }
            return new CountResult(null, sink.AcceptedCount, (IReadOnlyList<RejectedEvent>?)sink.Rejected ?? []);
        }
        finally
        {
            Return(parser);
        }
    }

    private EventParser Rent(DateTimeOffset receivedAt)
    {
        if (parsers.TryRent() is { } parser)
        {
            parser.Reset(receivedAt);
            return parser;
        }
        return new EventParser(reader.Limits, receivedAt, newId: null, reader.Mapping, defaultTenant: null, EventParser.Mode.Count);
    }

    private void Return(EventParser parser) => parsers.Return(parser);
}
