using System.Globalization;
using LogDapr.DevSidecar.Go;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// How each kind of flag value is read, and the message a bad one gets (kept word for word from the sidecar's
/// first parser: runners and tests match them). Each returns null when the text is not a valid value.
/// </summary>
internal static class FlagValues
{
    public static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port : null;

    public static string PortError(string name, string text) => $"--{name}: '{text}' is not a port number";

    public static int? PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    public static string PositiveIntError(string name, string text) => $"--{name}: '{text}' is not a positive integer";

    public static int? NonNegativeInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static string NonNegativeIntError(string name, string text) => $"--{name}: '{text}' is not a non-negative integer";

    public static double? Probability(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1 ? p : null;

    public static string ProbabilityError(string name, string text) => $"--{name}: '{text}' is not a probability between 0 and 1";

    /// <summary>A Kubernetes resource quantity as daprd's --max-body-size takes it (4Mi, 512Ki, 4M, 4194304).</summary>
    public static int? Quantity(string text)
    {
        (string Suffix, long Factor)[] units = [("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("k", 1000), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)];
        var (suffix, factor) = units.FirstOrDefault(u => text.EndsWith(u.Suffix, StringComparison.Ordinal));
        var number = suffix is null ? text : text[..^suffix.Length];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n * Math.Max(factor, 1) is var bytes && bytes is > 0 and <= int.MaxValue
            ? (int)bytes
            : null;
    }

    public static string QuantityError(string name, string text) => $"--{name}: '{text}' is not a size such as 4Mi";

    public static bool? Bool(string text) => bool.TryParse(text, out var b) ? b : null;

    public static string BoolError(string name, string text) => $"--{name}: '{text}' is not true or false";

    /// <summary>Go duration syntax (250ms, 2s, 1m30s), as daprd's duration flags.</summary>
    public static TimeSpan? Duration(string text) => GoDuration.TryParse(text, out var d) && d >= TimeSpan.Zero ? d : null;

    public static string DurationError(string name, string text) => $"--{name}: '{text}' is not a duration (e.g. 250ms, 2s)";

    public static LogLevel? Level(string text) => text.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "critical" => LogLevel.Critical,
        _ => null,
    };

    public static string LevelError(string name, string text) => $"--{name}: '{text}' is not one of debug, info, warn, error";
}
