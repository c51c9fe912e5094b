using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Query;

/// <summary>
/// Validates the query string of GET /v1/metrics. Pure: the current time and bucket width are passed in.
/// Defaults: the last hour, one bucket width per step. Every malformed or extreme value is an error naming its
/// parameter, never an exception: the range stays within years 1970..9998, the step within a year.
/// </summary>
public static class MetricsQueryParser
{
    public const int MaxPoints = 10_000;

    /// <summary>Longest tenant or service filter: the longest either can be when stored.</summary>
    public const int MaxFilterLength = 1024;

    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;
    public static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(366);

    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    public static MetricsQuery? Parse(
        Func<string, string?> query, DateTimeOffset now, TimeSpan bucketWidth, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var step = ParseStep(query("step"), bucketWidth, errors);
        var to = ParseTime(query, "to", errors) ?? Clamp(now);
        var from = ParseTime(query, "from", errors) ?? (to - Earliest > DefaultRange ? to - DefaultRange : Earliest);
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && from >= to)
        {
            errors["from"] = ["from must be before to"];
        }

        if (errors.Count == 0 && (to - from).Ticks / step.Ticks > MaxPoints)
        {
            errors["step"] = [$"the range holds more than {MaxPoints} steps; use a larger step or a shorter range"];
        }

        var severity = ParseSeverity(query("severity"), errors);
        var tenant = ParseFilter(query, "tenant", errors) ?? ParseFilter(query, "tenant_id", errors);
        var service = ParseFilter(query, "service", errors);
        if (errors.Count > 0)
        {
            return null;
        }

        // Floor cannot leave the range: Earliest is a multiple of every step (both count from the Unix epoch).
        return new MetricsQuery(Bucketing.Floor(from, step), to, step, tenant, service, severity);
    }

    private static TimeSpan ParseStep(string? text, TimeSpan bucketWidth, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return bucketWidth;
        }

        if (!DurationText.TryParse(text, out var step))
        {
            errors["step"] = [$"'{Shown(text)}' is not a duration (e.g. 1m, 5m, 1h, 1d, PT1M)"];
        }
        else if (step > MaxStep)
        {
            errors["step"] = [$"step must be at most {DurationText.Format(MaxStep)}"];
        }
        else if (step.Ticks % bucketWidth.Ticks != 0)
        {
            errors["step"] = [$"step must be a multiple of the bucket width {DurationText.Format(bucketWidth)}"];
        }
        else
        {
            return step;
        }

        return bucketWidth;
    }

    private static DateTimeOffset? ParseTime(Func<string, string?> query, string name, Dictionary<string, string[]> errors)
    {
        var text = query(name);
        if (text is null)
        {
            return null;
        }

        if (!Rfc3339.TryParse(text, out var value))
        {
            errors[name] = [$"'{Shown(text)}' is not an RFC 3339 timestamp (e.g. 2026-11-27T15:00:00Z)"];
            return null;
        }

        if (value < Earliest || value >= Latest)
        {
            errors[name] = [$"{name} must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}"];
            return null;
        }

        return value;
    }

    private static Severity? ParseSeverity(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (SeverityNames.TryParse(text, out var parsed))
        {
            return parsed;
        }

        errors["severity"] = [$"'{Shown(text)}' is not a severity (trace, debug, info, warn, error, fatal)"];
        return null;
    }

    private static string? ParseFilter(Func<string, string?> query, string name, Dictionary<string, string[]> errors)
    {
        var text = query(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MaxFilterLength)
        {
            errors[name] = [$"{name} is longer than {MaxFilterLength} characters"];
            return null;
        }

        if (!StoredText.IsStorable(text))
        {
            errors[name] = [$"{name} contains U+0000 or invalid UTF-16"];
            return null;
        }

        return text;
    }

    private static DateTimeOffset Clamp(DateTimeOffset now) => now < Earliest ? Earliest : now >= Latest ? Latest.AddTicks(-1) : now;

    /// <summary>A parameter as quoted back in an error: bounded and without control characters.</summary>
    private static string Shown(string text) => StoredText.Printable(text, 64);
}
