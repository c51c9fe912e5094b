using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class SeverityTests
{
    /// <summary>The mapping of the brief, spelled out: keyword -> normalized severity.</summary>
    public static TheoryData<string, Severity> Keywords => new()
    {
        { "trace", Severity.Trace },
        { "debug", Severity.Debug },
        { "info", Severity.Info },
        { "information", Severity.Info },
        { "informational", Severity.Info },
        { "notice", Severity.Info },
        { "warn", Severity.Warn },
        { "warning", Severity.Warn },
        { "error", Severity.Error },
        { "err", Severity.Error },
        { "fatal", Severity.Fatal },
        { "critical", Severity.Fatal },
        { "crit", Severity.Fatal },
        { "alert", Severity.Fatal },
        { "emerg", Severity.Fatal },
        { "emergency", Severity.Fatal },
        { "panic", Severity.Fatal },
    };

    public static TheoryData<int, Severity> SeverityNumbers()
    {
        var data = new TheoryData<int, Severity>();
        for (int n = 1; n <= 24; n++)
        {
            data.Add(n, n switch
            {
                <= 4 => Severity.Trace,
                <= 8 => Severity.Debug,
                <= 12 => Severity.Info,
                <= 16 => Severity.Warn,
                <= 20 => Severity.Error,
                _ => Severity.Fatal,
            });
        }
        return data;
    }

    public static TheoryData<int, Severity> SyslogLevels => new()
    {
        { 0, Severity.Fatal },
        { 1, Severity.Fatal },
        { 2, Severity.Fatal },
        { 3, Severity.Error },
        { 4, Severity.Warn },
        { 5, Severity.Info },
        { 6, Severity.Info },
        { 7, Severity.Debug },
    };

    [Theory]
    [MemberData(nameof(Keywords))]
    public void Keywords_are_accepted_in_any_case(string keyword, Severity expected)
    {
        string title = char.ToUpperInvariant(keyword[0]) + keyword[1..];
        string mixed = string.Concat(keyword.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
        foreach (var spelling in new[] { keyword, keyword.ToUpperInvariant(), title, mixed })
        {
            Assert.Equal(expected, Wire.Accepted(Wire.Event("severity", Wire.Quote(spelling))).Severity);
            Assert.True(SeverityNames.TryParse(spelling, out var parsed));
            Assert.Equal(expected, parsed);
        }
    }

    [Theory]
    [MemberData(nameof(SeverityNumbers))]
    public void OpenTelemetry_severity_numbers_are_accepted_as_plain_numbers_and_digit_strings(int number, Severity expected)
    {
        Assert.Equal(expected, Wire.Accepted(Wire.Event("severity", number.ToString(System.Globalization.CultureInfo.InvariantCulture))).Severity);
        Assert.Equal(expected, Wire.Accepted(Wire.Event("severity", $"\"{number}\"")).Severity);
        // Written with a fraction or exponent it is not a SeverityNumber, even when the value is integral.
        Assert.Contains("without fraction or exponent", Assert.Single(Wire.Rejected(Wire.Event("severity", $"{number}.0"))).Message, StringComparison.Ordinal);
        Assert.True(SeverityNames.TryFromSeverityNumber(number, out var mapped));
        Assert.Equal(expected, mapped);
    }

    [Theory]
    [MemberData(nameof(SyslogLevels))]
    public void Syslog_levels_are_accepted_as_syslog_colon_n(int level, Severity expected)
    {
        Assert.Equal(expected, Wire.Accepted(Wire.Event("severity", $"\"syslog:{level}\"")).Severity);
        Assert.Equal(expected, Wire.Accepted(Wire.Event("severity", $"\"SYSLOG:{level}\"")).Severity);
        Assert.True(SeverityNames.TryFromSyslogLevel(level, out var mapped));
        Assert.Equal(expected, mapped);
    }

    [Theory]
    [InlineData(Severity.Trace, "trace")]
    [InlineData(Severity.Debug, "debug")]
    [InlineData(Severity.Info, "info")]
    [InlineData(Severity.Warn, "warn")]
    [InlineData(Severity.Error, "error")]
    [InlineData(Severity.Fatal, "fatal")]
    public void Wire_names_are_the_lowercase_keywords_and_parse_back(Severity severity, string wire)
    {
        Assert.Equal(wire, SeverityNames.ToWire(severity));
        Assert.True(SeverityNames.TryParse(wire, out var parsed));
        Assert.Equal(severity, parsed);
        Assert.True(SeverityNames.TryParse(System.Text.Encoding.UTF8.GetBytes(wire), out parsed));
        Assert.Equal(severity, parsed);
    }

    [Fact]
    public void The_published_keyword_list_is_exactly_the_mapped_spellings()
    {
        Assert.Equal(Keywords.Select(row => (string)row[0]).Order(), SeverityNames.Keywords.Order());
        Assert.Equal(Enum.GetValues<Severity>().Select(SeverityNames.ToWire), SeverityNames.WireNames);
    }

    [Theory]
    [InlineData("")]
    [InlineData("verbose")]
    [InlineData("infos")]
    [InlineData("in fo")]
    [InlineData("ınfo")]
    [InlineData("0")]
    [InlineData("25")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("syslog:8")]
    [InlineData("syslog:-1")]
    [InlineData("syslog:10")]
    [InlineData("syslog")]
    [InlineData("informationalx")]
    public void Other_spellings_are_not_severities(string text)
    {
        Assert.False(SeverityNames.TryParse(text, out _));
        Assert.False(SeverityNames.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void ToWire_refuses_undefined_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SeverityNames.ToWire(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeverityNames.ToWire((Severity)7));
    }
}
