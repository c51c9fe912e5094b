using System.Globalization;
using System.Text.RegularExpressions;

namespace LogDapr.Aggregator.Text;

/// <summary>
/// RFC 3339 timestamps (CloudEvent <c>time</c>, query bounds), strictly, with the grammar the LogEvent reader applies
/// to event timestamps: <c>YYYY-MM-DD(T|t)hh:mm:ss[.1-9 digits](Z|z|±hh:mm)</c>, digits beyond the 7th
/// truncated. <c>DateTimeOffset.TryParse</c> accepted far more (dates alone, no offset, culture forms). Pure.
/// </summary>
/// <remarks>
/// The contracts' <c>Rfc3339</c> parser is internal to that assembly; when it is made public this can call it instead.
/// </remarks>
public static partial class Rfc3339Text
{
    // yyyy-MM-ddTHH:mm:ss.fffffffff+hh:mm
    private const int MaxLength = 35;

    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length > MaxLength)
        {
            return false;
        }

        var match = Grammar().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var dateTime = match.Groups["datetime"].Value;
        var offset = match.Groups["offset"].Value;
        var normalized = $"{dateTime[..10]}T{dateTime[11..]}.{(fraction.Length > 7 ? fraction[..7] : fraction).PadRight(7, '0')}"
            + (offset is "Z" or "z" ? "+00:00" : offset);
        if (!DateTimeOffset.TryParseExact(normalized, "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex(@"^(?<datetime>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})(\.(?<fraction>[0-9]{1,9}))?(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Grammar();
}
