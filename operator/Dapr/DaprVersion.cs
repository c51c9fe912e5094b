using System.Globalization;
using System.Text.RegularExpressions;

namespace LogDapr.Operator.Dapr;

/// <summary>Reads a Dapr release from a version label or image tag ("1.16.2", "v1.16.0-rc.1", "1.16.0-mariner").</summary>
public static partial class DaprVersion
{
    /// <summary>The release's major.minor.patch, or null for anything that is not a release ("edge", "dev", a digest).</summary>
    public static Version? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var match = Release().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var patch = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), patch);
    }

    [GeneratedRegex(@"^v?([0-9]{1,4})\.([0-9]{1,4})(?:\.([0-9]{1,6}))?(?:[-+].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Release();
}
