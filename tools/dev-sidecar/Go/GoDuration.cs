using System.Globalization;
using System.Text;

namespace LogDapr.DevSidecar.Go;

/// <summary>
/// Go's duration syntax (<c>1h2m3.5s</c>, <c>250ms</c>, <c>10us</c>), because Dapr resources and daprd flags use it,
/// and Go's <c>Duration.String()</c> format, because the PostgreSQL binding reports its "duration" metadata that way.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        // Bare integers are accepted as seconds: Dapr metadata often carries "30" for 30s.
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            value = TimeSpan.FromSeconds(negative ? -bareSeconds : bareSeconds);
            return true;
        }

        decimal totalTicks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            decimal ticksPerUnit = s[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1m,
            };
            if (ticksPerUnit < 0)
            {
                return false;
            }

            totalTicks += number * ticksPerUnit;
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Round(totalTicks) * (negative ? -1 : 1));
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a duration (e.g. 250ms, 2s, 1m30s)");

    /// <summary>Formats like Go's time.Duration.String(): "1.5ms", "2.000123s", "1m30s", "0s".</summary>
    public static string Format(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (ticks < 0)
        {
            sb.Append('-');
            ticks = -ticks;
        }

        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Sub-second values use the largest unit that keeps the integer part non-zero.
            var nanos = ticks * 100;
            if (nanos < 1_000)
            {
                return sb.Append(nanos).Append("ns").ToString();
            }

            if (nanos < 1_000_000)
            {
                return sb.Append(Fraction(nanos, 1_000)).Append("µs").ToString();
            }

            return sb.Append(Fraction(nanos, 1_000_000)).Append("ms").ToString();
        }

        var totalSeconds = ticks / TimeSpan.TicksPerSecond;
        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        if (hours > 0)
        {
            sb.Append(hours).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes).Append('m');
        }

        var secondsNanos = (ticks % TimeSpan.TicksPerMinute) * 100;
        sb.Append(Fraction(secondsNanos, 1_000_000_000)).Append('s');
        return sb.ToString();
    }

    private static string Fraction(long value, long unit)
    {
        var whole = value / unit;
        var rest = value % unit;
        if (rest == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        var fraction = rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return $"{whole}.{fraction}";
    }
}
