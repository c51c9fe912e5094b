using System.Buffers;
using System.Text.Unicode;

namespace LogDapr.Contracts.Events;

internal enum TimestampProblem
{
    None,
    Format,
    DateOnly,
    NoOffset,
    InvalidValue,
}

/// <summary>
/// RFC 3339 date-time on UTF-8 bytes: the one timestamp grammar of the pipeline (event timestamps, CloudEvent
/// <c>time</c>, query bounds). Hand-written rather than DateTimeOffset.TryParse because that accepts far more than
/// RFC 3339 (date-only, no offset, culture forms), allocates, and is a large share of the per-event cost.
/// </summary>
public static class Rfc3339
{
    /// <summary>Length of the longest formatted value: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    public const int MaxFormattedLength = 28;

    /// <summary>
    /// Accepts <c>YYYY-MM-DD('T'|'t')hh:mm:ss[.1-9 digits]('Z'|'z'|±hh:mm)</c>. Digits beyond the 7th (100 ns, the
    /// resolution of DateTimeOffset) are truncated so that nanosecond timestamps from OTel collectors are accepted.
    /// Leap seconds (:60) are rejected because DateTimeOffset cannot represent them.
    /// </summary>
    internal static TimestampProblem TryParseUtcTicks(ReadOnlySpan<byte> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 10 || !TwoDigits(s, 0, out int century) || !TwoDigits(s, 2, out int yearOfCentury) || s[4] != '-'
            || !TwoDigits(s, 5, out int month) || s[7] != '-' || !TwoDigits(s, 8, out int day))
        {
            return TimestampProblem.Format;
        }
        if (s.Length == 10)
        {
            return TimestampProblem.DateOnly;
        }
        if (s.Length < 19 || (s[10] | 0x20) != 't' || !TwoDigits(s, 11, out int hour) || s[13] != ':'
            || !TwoDigits(s, 14, out int minute) || s[16] != ':' || !TwoDigits(s, 17, out int second))
        {
            return TimestampProblem.Format;
        }

        int p = 19;
        long fraction = 0;
        if (p < s.Length && s[p] == '.')
        {
            p++;
            int digits = 0;
            while (p < s.Length && char.IsAsciiDigit((char)s[p]))
            {
                if (digits < 7)
                {
                    fraction = fraction * 10 + (s[p] - '0');
                }
                digits++;
                p++;
            }
            if (digits is 0 or > 9)
            {
                return TimestampProblem.Format;
            }
            for (int i = digits; i < 7; i++)
            {
                fraction *= 10;
            }
        }

        if (p == s.Length)
        {
            return TimestampProblem.NoOffset;
        }
        long offsetTicks;
        byte sign = s[p];
        if ((sign | 0x20) == 'z')
        {
            if (p + 1 != s.Length)
            {
                return TimestampProblem.Format;
            }
            offsetTicks = 0;
        }
        else if (sign is (byte)'+' or (byte)'-')
        {
            if (p + 6 != s.Length || !TwoDigits(s, p + 1, out int offsetHours) || s[p + 3] != ':' || !TwoDigits(s, p + 4, out int offsetMinutes))
            {
                return TimestampProblem.Format;
            }
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                return TimestampProblem.InvalidValue;
            }
            offsetTicks = (offsetHours * 60L + offsetMinutes) * TimeSpan.TicksPerMinute;
            if (sign == '-')
            {
                offsetTicks = -offsetTicks;
            }
        }
        else
        {
            return TimestampProblem.Format;
        }

        int year = century * 100 + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return TimestampProblem.InvalidValue;
        }
        long utc = new DateTime(year, month, day, hour, minute, second).Ticks + fraction - offsetTicks;
        // An offset can push the first or last representable day out of range (0001-01-01T00:00:00+01:00).
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return TimestampProblem.InvalidValue;
        }
        utcTicks = utc;
        return TimestampProblem.None;
    }

    /// <summary>Parses a timestamp with the grammar of <see cref="TryParseUtcTicks"/>; the result is in UTC.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset utc)
    {
        var ok = TryParseUtcTicks(utf8, out var ticks) == TimestampProblem.None;
        utc = ok ? new DateTimeOffset(ticks, TimeSpan.Zero) : default;
        return ok;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out DateTimeOffset)"/>
    public static bool TryParse(string text, out DateTimeOffset utc)
    {
        // Longer than any valid timestamp (nine fraction digits and an offset): refused before it is transcoded.
        const int MaxLength = 35;
        Span<byte> utf8 = stackalloc byte[MaxLength];
        if (text.Length > MaxLength || Utf8.FromUtf16(text, utf8, out _, out var written) != OperationStatus.Done)
        {
            utc = default;
            return false;
        }

        return TryParse(utf8[..written], out utc);
    }

    /// <summary>
    /// Writes the UTC form <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}]Z</c>, with trailing zero fraction digits dropped: shorter on
    /// the wire for the common whole-millisecond timestamps and still exact (ticks round-trip).
    /// </summary>
    public static int FormatUtc(DateTimeOffset value, Span<byte> destination)
    {
        var utc = new DateTime(value.UtcTicks, DateTimeKind.Utc);
        var (year, month, day) = utc;
        WriteDigits(destination[..4], year);
        destination[4] = (byte)'-';
        WriteDigits(destination.Slice(5, 2), month);
        destination[7] = (byte)'-';
        WriteDigits(destination.Slice(8, 2), day);
        destination[10] = (byte)'T';
        WriteDigits(destination.Slice(11, 2), utc.Hour);
        destination[13] = (byte)':';
        WriteDigits(destination.Slice(14, 2), utc.Minute);
        destination[16] = (byte)':';
        WriteDigits(destination.Slice(17, 2), utc.Second);
        int p = 19;
        long fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            int digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            destination[p++] = (byte)'.';
            WriteDigits(destination.Slice(p, digits), fraction);
            p += digits;
        }
        destination[p++] = (byte)'Z';
        return p;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        uint hi = (uint)(s[at] - '0');
        uint lo = (uint)(s[at + 1] - '0');
        value = (int)(hi * 10 + lo);
        return hi <= 9 && lo <= 9;
    }

    private static void WriteDigits(Span<byte> destination, long value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
