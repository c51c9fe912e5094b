namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Whether the sidecar confirmed every message of a request. A gRPC bulk publish either stores all its entries and
/// answers OK, or answers an error with an empty response even when some entries were stored (dapr/dapr v1.16.0
/// pkg/api/grpc/grpc.go, BulkPublishEventAlpha1: "On error, the response will be empty"), so a request is either
/// published or not confirmed; there is no partial answer to report.
/// </summary>
/// <param name="Reason">Why the publish was not confirmed; null when it was.</param>
public sealed record PublishOutcome(string? Reason)
{
    public static PublishOutcome Published { get; } = new((string?)null);

    public bool IsPublished => Reason is null;

    public static PublishOutcome NotConfirmed(string reason) => new(reason);
}
