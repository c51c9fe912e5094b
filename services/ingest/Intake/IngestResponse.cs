using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// Body of a 202: how many events were accepted; the first rejected events with their reasons (see
/// <see cref="RejectionSummary"/>), how many were rejected in all, and how many had an error on each field.
/// </summary>
public sealed record IngestResponse(int Accepted, IReadOnlyList<RejectedEvent> Rejected, int RejectedTotal, IReadOnlyDictionary<string, int> RejectedByField)
{
    public static IngestResponse Of(int accepted, RejectionSummary rejected) => new(accepted, rejected.Details, rejected.Total, rejected.ByField);
}
