using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Ingestion;

/// <summary>Body of a 202: how many events were accepted, and each rejected event with its reasons.</summary>
public sealed record IngestResponse(int Accepted, IReadOnlyList<RejectedEvent> Rejected);
