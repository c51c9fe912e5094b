using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// The rejected events of a request as an answer reports them: the first <c>Ingest:MaxRejectedDetails</c> events with
/// their errors (at most <see cref="MaxErrorsPerEvent"/> each), and for all of them the total and how many had an
/// error on each field. A small body with thousands of invalid events thus gets a small answer. Pure.
/// </summary>
public sealed record RejectionSummary(IReadOnlyList<RejectedEvent> Details, int Total, IReadOnlyDictionary<string, int> ByField)
{
    public const int MaxErrorsPerEvent = 10;

    public static RejectionSummary None { get; } = new([], 0, new Dictionary<string, int>());

    public static RejectionSummary Of(IReadOnlyList<RejectedEvent> rejected, int maxDetails)
    {
        if (rejected.Count == 0)
        {
            return None;
        }

        var byField = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rejected)
        {
            fields.Clear();
            foreach (var error in r.Errors)
            {
                // "attributes.env" counts as "attributes": keys come from the client and would make the map unbounded.
                var dot = error.Field.IndexOf('.', StringComparison.Ordinal);
                fields.Add(dot < 0 ? error.Field : error.Field[..dot]);
            }

            foreach (var field in fields)
            {
                byField[field] = byField.GetValueOrDefault(field) + 1;
            }
        }

        var details = rejected.Take(maxDetails).Select(Trim).ToList();
        return new RejectionSummary(details, rejected.Count, byField);
    }

    private static RejectedEvent Trim(RejectedEvent rejected) => rejected.Errors.Count <= MaxErrorsPerEvent
        ? rejected
        : rejected with
        {
            Errors = [.. rejected.Errors.Take(MaxErrorsPerEvent - 1),
                new FieldError(LogEventFields.WholeEvent, $"and {rejected.Errors.Count - (MaxErrorsPerEvent - 1)} more errors in this event")],
        };
}
