using System.ComponentModel.DataAnnotations;
using System.Reflection;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests.Limits;

public class LogEventLimitsTests
{
    public static TheoryData<string> LimitProperties => [.. typeof(LogEventLimits).GetProperties()
        .Where(p => p.GetCustomAttribute<RangeAttribute>() is not null)
        .Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(LimitProperties))]
    public void Widest_sets_each_limit_to_the_largest_value_configuration_accepts(string property)
    {
        var info = typeof(LogEventLimits).GetProperty(property)!;
        var range = info.GetCustomAttribute<RangeAttribute>()!;
        var widest = info.GetValue(LogEventLimits.Widest)!;

        Assert.True(range.IsValid(widest), $"{property}={widest} is outside its range");
        // IsValid has converted a TimeSpan range's bounds from their string form, so both sides compare as values.
        Assert.Equal(Convert.ToString(range.Maximum, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(widest, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(LimitProperties))]
    public void The_defaults_are_valid_configuration(string property)
    {
        var info = typeof(LogEventLimits).GetProperty(property)!;

        Assert.True(info.GetCustomAttribute<RangeAttribute>()!.IsValid(info.GetValue(LogEventLimits.Default)));
    }
}
