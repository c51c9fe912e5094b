namespace LogDapr.Contracts.Events;

/// <summary>
/// Parsers kept between reads, one per concurrent read: a parser's scratch buffers and the tenant, service and
/// attribute-key strings of earlier payloads are reused, which is most of what a read would otherwise allocate.
/// Thread-safe; a read that finds every slot taken makes a parser of its own.
/// </summary>
internal sealed class EventParserPool
{
    private readonly EventParser?[] parsers = new EventParser?[Math.Max(2, Environment.ProcessorCount)];

    /// <summary>A kept parser, or null when none is free.</summary>
    public EventParser? TryRent()
    {
        for (var i = 0; i < parsers.Length; i++)
        {
            if (Interlocked.Exchange(ref parsers[i], null) is { } parser)
            {
                return parser;
            }
        }
        return null;
    }

    public void Return(EventParser parser)
    {
        for (var i = 0; i < parsers.Length; i++)
        {
            if (Interlocked.CompareExchange(ref parsers[i], parser, null) is null)
            {
                return;
            }
        }
    }
}
