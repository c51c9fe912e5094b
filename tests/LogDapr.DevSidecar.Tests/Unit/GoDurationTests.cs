using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Tests.Unit;

public class GoDurationTests
{
    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("0s", 0)]
    [InlineData("0", 0)]
    [InlineData("30", 30_000)]
    [InlineData("1h", 3_600_000)]
    public void Parses_go_durations(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5 parsecs")]
    [InlineData("ms")]
    public void Rejects_non_durations(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(1500, "1.5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(2.5, "2.5ms")]
    [InlineData(0, "0s")]
    public void Formats_like_go(double milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
