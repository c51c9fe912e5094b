using LogDapr.Aggregator.Counting;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Counting;

public class BucketingTests
{
    [Theory]
    [InlineData("2026-11-22T10:15:59.999Z", 60, "2026-11-22T10:15:00Z")]
    [InlineData("2026-11-22T10:15:00Z", 60, "2026-11-22T10:15:00Z")]
    [InlineData("2026-11-22T10:15:30+02:00", 60, "2026-11-22T08:15:00Z")]
    [InlineData("2026-11-22T10:17:10Z", 300, "2026-11-22T10:15:00Z")]
    [InlineData("1969-12-31T23:59:30Z", 60, "1969-12-31T23:59:00Z")]
    public void Floors_to_the_start_of_the_bucket_in_utc(string timestamp, int widthSeconds, string expected)
    {
        var bucket = Bucketing.Floor(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(widthSeconds));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), bucket);
        Assert.Equal(TimeSpan.Zero, bucket.Offset);
    }

    [Fact]
    public void Counts_each_event_once_under_its_tenant_service_severity_and_minute()
    {
        var t0 = new DateTimeOffset(2026, 11, 22, 10, 0, 5, TimeSpan.Zero);
        LogEvent[] events =
        [
            Event("a", "api", Severity.Error, t0),
            Event("a", "api", Severity.Error, t0.AddSeconds(30)),
            Event("a", "api", Severity.Error, t0.AddSeconds(60)),
            Event("a", "api", Severity.Info, t0),
            Event("b", "api", Severity.Error, t0),
        ];

        var counts = BucketAggregator.Aggregate("m1", events, TimeSpan.FromMinutes(1));

        Assert.Equal(5, counts.EventCount);
        var minute = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(2, counts.Counts[new BucketKey("a", "api", Severity.Error, minute)]);
        Assert.Equal(1, counts.Counts[new BucketKey("a", "api", Severity.Error, minute.AddMinutes(1))]);
        Assert.Equal(1, counts.Counts[new BucketKey("a", "api", Severity.Info, minute)]);
        Assert.Equal(1, counts.Counts[new BucketKey("b", "api", Severity.Error, minute)]);
        Assert.Equal(5, counts.Counts.Values.Sum());
    }

    internal static LogEvent Event(string tenant, string service, Severity severity, DateTimeOffset timestamp) => new()
    {
        Id = Guid.NewGuid().ToString(),
        TenantId = tenant,
        Service = service,
        Severity = severity,
        Timestamp = timestamp,
        Message = "m",
    };
}
