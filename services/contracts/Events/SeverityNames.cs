namespace LogDapr.Contracts.Events;

/// <summary>
/// The severity vocabulary of LogEvent v1: the six lowercase wire keywords, and every spelling the reader accepts
/// (keywords in any case, syslog and OpenTelemetry names, OTel SeverityNumber 1-24 as a digit string,
/// <c>syslog:N</c>). The aggregator and the query API use it so that "warn" means the same thing everywhere.
/// </summary>
public static class SeverityNames
{
    // One table is the single source for parsing, for Keywords (the JSON Schema test checks the schema against it)
    // and for the error message; ordered by how common the spelling is because parsing scans it.
    private static readonly (string Keyword, Severity Severity)[] KeywordTable =
    [
        ("info", Severity.Info),
        ("error", Severity.Error),
        ("warn", Severity.Warn),
        ("debug", Severity.Debug),
        ("warning", Severity.Warn),
        ("trace", Severity.Trace),
        ("fatal", Severity.Fatal),
        ("information", Severity.Info),
        ("informational", Severity.Info),
        ("notice", Severity.Info),
        ("err", Severity.Error),
        ("critical", Severity.Fatal),
        ("crit", Severity.Fatal),
        ("alert", Severity.Fatal),
        ("emerg", Severity.Fatal),
        ("emergency", Severity.Fatal),
        ("panic", Severity.Fatal),
    ];

    private static readonly string[] Wire = ["trace", "debug", "info", "warn", "error", "fatal"];

    // Longest accepted spelling ("informational"); anything longer is rejected without looking at it.
    private const int MaxSpellingLength = 13;
    private const string SyslogPrefix = "syslog:";

    /// <summary>The six normalized keywords, in <see cref="Severity"/> order (trace .. fatal).</summary>
    public static IReadOnlyList<string> WireNames { get; } = Array.AsReadOnly(Wire);

    /// <summary>Every keyword the reader accepts (lowercase; any case is accepted), including the six wire names.</summary>
    public static IReadOnlyList<string> Keywords { get; } = Array.AsReadOnly(Array.ConvertAll(KeywordTable, e => e.Keyword));

    /// <summary>A short human description of the accepted spellings, used in validation errors.</summary>
    public const string AcceptedSpellings =
        "one of trace, debug, info, warn, error, fatal (any case; also information, informational, notice, warning, err, " +
        "critical, crit, alert, emerg, emergency, panic), an OpenTelemetry SeverityNumber 1-24 (number or digit string), " +
        "or syslog:0 to syslog:7";

    /// <summary>The lowercase wire keyword (<c>trace|debug|info|warn|error|fatal</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Severity"/>.</exception>
    public static string ToWire(Severity severity)
    {
        int i = (int)severity - 1;
        if ((uint)i >= (uint)Wire.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a defined Severity");
        }
        return Wire[i];
    }

    /// <summary>Parses any accepted string spelling: a keyword in any case, a digit string "1".."24" or "syslog:N".</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Severity severity)
    {
        severity = default;
        if (text.Length is 0 or > MaxSpellingLength)
        {
            return false;
        }
        Span<char> lower = stackalloc char[MaxSpellingLength];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (!char.IsAscii(c))
            {
                return false;
            }
            lower[i] = char.ToLowerInvariant(c);
        }
        return TryParseLowercase(lower[..text.Length], out severity);
    }

    /// <summary>UTF-8 overload of <see cref="TryParse(ReadOnlySpan{char}, out Severity)"/>, used on the raw JSON bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Severity severity)
    {
        severity = default;
        if (utf8.Length is 0 or > MaxSpellingLength)
        {
            return false;
        }
        Span<char> lower = stackalloc char[MaxSpellingLength];
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x80)
            {
                return false;
            }
            lower[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }
        return TryParseLowercase(lower[..utf8.Length], out severity);
    }

    /// <summary>Maps an OpenTelemetry SeverityNumber (1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal).</summary>
    public static bool TryFromSeverityNumber(int severityNumber, out Severity severity)
    {
        if (severityNumber is < 1 or > 24)
        {
            severity = default;
            return false;
        }
        severity = (Severity)((severityNumber - 1) / 4 + 1);
        return true;
    }

    /// <summary>Maps a syslog level (RFC 5424: 0 emerg, 1 alert, 2 crit -> fatal; 3 err; 4 warning; 5 notice, 6 info -> info; 7 debug).</summary>
    public static bool TryFromSyslogLevel(int level, out Severity severity)
    {
        severity = level switch
        {
            0 or 1 or 2 => Severity.Fatal,
            3 => Severity.Error,
            4 => Severity.Warn,
            5 or 6 => Severity.Info,
            7 => Severity.Debug,
            _ => default,
        };
        return severity != default;
    }

    private static bool TryParseLowercase(ReadOnlySpan<char> s, out Severity severity)
    {
        foreach (var (keyword, value) in KeywordTable)
        {
            if (s.SequenceEqual(keyword))
            {
                severity = value;
                return true;
            }
        }
        // Digit strings are canonical ("7", not "07" or "+7"), as in the JSON Schema pattern.
        if (s.Length == 1 && char.IsAsciiDigit(s[0]))
        {
            return TryFromSeverityNumber(s[0] - '0', out severity);
        }
        if (s.Length == 2 && s[0] is >= '1' and <= '9' && char.IsAsciiDigit(s[1]))
        {
            return TryFromSeverityNumber((s[0] - '0') * 10 + (s[1] - '0'), out severity);
        }
        if (s.Length == SyslogPrefix.Length + 1 && s.StartsWith(SyslogPrefix) && char.IsAsciiDigit(s[^1]))
        {
            return TryFromSyslogLevel(s[^1] - '0', out severity);
        }
        severity = default;
        return false;
    }
}
