using LogDapr.Aggregator.Query;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Query;

public class MetricsQueryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 30, 15, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static MetricsQuery? Parse(string query, out Dictionary<string, string[]> errors)
    {
        var values = System.Web.HttpUtility.ParseQueryString(query);
        return MetricsQueryParser.Parse(name => values[name], Now, Minute, out errors);
    }

    [Fact]
    public void Defaults_to_the_last_hour_in_bucket_width_steps()
    {
        var query = Parse("", out var errors);

        Assert.Empty(errors);
        Assert.Equal(Now, query!.To);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 11, 30, 0, TimeSpan.Zero), query.From);
        Assert.Equal(Minute, query.Step);
        Assert.Null(query.TenantId);
        Assert.Null(query.Severity);
    }

    [Fact]
    public void Reads_filters_range_and_step()
    {
        var query = Parse("tenant=acme&service=api&severity=WARNING&from=2026-11-22T10:07:00Z&to=2026-11-22T12:00:00Z&step=5m", out var errors);

        Assert.Empty(errors);
        Assert.Equal("acme", query!.TenantId);
        Assert.Equal("api", query.Service);
        Assert.Equal(Severity.Warn, query.Severity);
        Assert.Equal(TimeSpan.FromMinutes(5), query.Step);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 5, 0, TimeSpan.Zero), query.From);
    }

    [Theory]
    [InlineData("step=fast", "step")]
    [InlineData("step=90s", "step")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01T00:00:00Z", "to")]
    [InlineData("from=2026-11-22T12:00:00Z&to=2026-11-22T11:00:00Z", "from")]
    [InlineData("severity=loud", "severity")]
    [InlineData("from=2026-01-01T00:00:00Z&step=1m", "step")]
    public void Rejects_bad_parameters_naming_the_parameter(string query, string field)
    {
        Assert.Null(Parse(query, out var errors));
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m", 60)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("PT5M", 300)]
    public void Durations_parse_in_both_notations(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0m")]
    [InlineData("-1m")]
    [InlineData("5")]
    [InlineData("5y")]
    [InlineData("P")]
    public void Invalid_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));
}
