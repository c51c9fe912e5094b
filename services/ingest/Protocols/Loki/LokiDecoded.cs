namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// A push read into LogEvent NDJSON (<paramref name="Entries"/> lines), or why it as a whole cannot be taken:
/// <paramref name="Status"/> 400 (not a push) or 413 (larger than Ingest:MaxBodyBytes once decompressed, or as events),
/// with the plain-text reason Loki's distributor would answer.
/// </summary>
internal sealed record LokiDecoded(ReadOnlyMemory<byte> Ndjson, int Entries, int Status, string? Error)
{
    public static LokiDecoded Invalid(string error) => new(default, 0, StatusCodes.Status400BadRequest, error);

    public static LokiDecoded TooLarge(string error) => new(default, 0, StatusCodes.Status413PayloadTooLarge, error);

    public static LokiDecoded Of(LokiEventWriter events)
        => events.Overflowed ? TooLarge(events.OverflowMessage) : new(events.Ndjson, events.Entries, StatusCodes.Status204NoContent, null);
}
