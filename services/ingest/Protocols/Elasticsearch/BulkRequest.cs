namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// A decoded bulk body: its items in order and the LogEvent v1 NDJSON of those sent to the intake
/// (<see cref="Lines"/> of them), or the <see cref="Error"/> that refuses the whole request.
/// </summary>
public sealed record BulkRequest(IReadOnlyList<BulkItem> Items, byte[] Ndjson, int Lines, BulkError? Error)
{
    public static BulkRequest Refused(BulkError error) => new([], [], 0, error);
}
