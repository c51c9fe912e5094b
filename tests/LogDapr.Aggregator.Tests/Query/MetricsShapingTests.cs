using LogDapr.Aggregator.Query;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Query;

public class MetricsShapingTests
{
    private static readonly DateTimeOffset B0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly CountPoint[] Rows =
    [
        new(B0, "acme", "api", "info", 90),
        new(B0, "acme", "api", "error", 8),
        new(B0, "acme", "api", "fatal", 2),
        new(B0, "acme", "web", "warn", 5),
        new(B0.AddMinutes(1), "acme", "api", "info", 10),
    ];

    [Fact]
    public void Error_rate_is_errors_and_fatals_over_all_events_of_the_service_in_the_bucket()
    {
        var result = MetricsShaping.Shape(new MetricsQuery(B0, B0.AddMinutes(2), TimeSpan.FromMinutes(1), null, null, null), Rows);

        var api = result.ErrorRates.Single(r => r.Service == "api" && r.BucketStart == B0);
        Assert.Equal(100, api.Total);
        Assert.Equal(10, api.Errors);
        Assert.Equal(0.1, api.ErrorRate, 6);
        Assert.Equal(0, result.ErrorRates.Single(r => r.Service == "web").ErrorRate);
        Assert.Equal(115, result.TotalEvents);
        Assert.Equal("1m", result.Step);
    }

    [Fact]
    public void A_severity_filter_narrows_the_counts_but_not_the_error_rate()
    {
        var result = MetricsShaping.Shape(new MetricsQuery(B0, B0.AddMinutes(2), TimeSpan.FromMinutes(1), null, null, Severity.Error), Rows);

        Assert.Equal(8, Assert.Single(result.Buckets).Count);
        Assert.Equal(0.1, result.ErrorRates.Single(r => r.Service == "api" && r.BucketStart == B0).ErrorRate, 6);
        Assert.Equal(8, result.TotalEvents);
    }
}
