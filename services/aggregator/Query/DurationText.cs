using System.Globalization;
using System.Xml;

namespace LogDapr.Aggregator.Query;

/// <summary>
/// Parses step durations as users write them: Prometheus style (30s, 1m, 5m, 1h, 1d) or ISO 8601 (PT1M). A duration
/// too large for <see cref="TimeSpan"/> parses as <see cref="TimeSpan.MaxValue"/>, so callers report it as too large.
/// </summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text);
                return duration > TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                duration = TimeSpan.MaxValue;
                return true;
            }
        }

        var unit = text[^1];
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return false;
        }

        var unitTicks = unit switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            _ => 0,
        };
        if (unitTicks == 0)
        {
            return false;
        }

        duration = value > TimeSpan.MaxValue.Ticks / unitTicks ? TimeSpan.MaxValue : TimeSpan.FromTicks(value * unitTicks);
        return true;
    }

    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalDays: >= 1 } when duration.Ticks % TimeSpan.TicksPerDay == 0 => $"{(long)duration.TotalDays}d",
        { TotalHours: >= 1 } when duration.Ticks % TimeSpan.TicksPerHour == 0 => $"{(long)duration.TotalHours}h",
        { TotalMinutes: >= 1 } when duration.Ticks % TimeSpan.TicksPerMinute == 0 => $"{(long)duration.TotalMinutes}m",
        _ => $"{(long)duration.TotalSeconds}s",
    };
}
