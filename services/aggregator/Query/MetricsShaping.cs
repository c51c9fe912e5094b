using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Query;

/// <summary>Turns count rows (all severities) into the API answer: filtered counts and per-service error rates. Pure.</summary>
public static class MetricsShaping
{
    public static MetricsResult Shape(MetricsQuery query, IReadOnlyList<CountPoint> rows)
    {
        var severity = query.Severity is { } s ? SeverityNames.ToWire(s) : null;
        var buckets = severity is null ? rows : rows.Where(r => r.Severity == severity).ToList();

        var rates = rows
            .GroupBy(r => (r.BucketStart, r.TenantId, r.Service))
            .Select(g =>
            {
                var total = g.Sum(r => r.Count);
                var errors = g.Where(r => IsError(r.Severity)).Sum(r => r.Count);
                return new ErrorRatePoint(g.Key.BucketStart, g.Key.TenantId, g.Key.Service, total, errors, total == 0 ? 0 : (double)errors / total);
            })
            .ToList();

        return new MetricsResult(query.From, query.To, Query.DurationText.Format(query.Step), buckets, rates, buckets.Sum(b => b.Count));
    }

    private static bool IsError(string severity)
        => severity == SeverityNames.ToWire(Severity.Error) || severity == SeverityNames.ToWire(Severity.Fatal);
}
