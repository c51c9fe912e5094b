namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>An Elasticsearch error as the bulk API reports it: the HTTP status, the exception type and the reason.</summary>
public sealed record BulkError(int Status, string Type, string Reason)
{
    public static BulkError BadRequest(string type, string reason) => new(StatusCodes.Status400BadRequest, type, reason);
}
