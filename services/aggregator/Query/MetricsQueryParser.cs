using System.Globalization;
using LogDapr.Aggregator.Aggregation;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Query;

/// <summary>
/// Validates the query string of GET /v1/metrics. Pure: the current time and bucket width are passed in.
/// Defaults: the last hour, one bucket width per step.
/// </summary>
public static class MetricsQueryParser
{
    public const int MaxPoints = 10_000;

    public static MetricsQuery? Parse(
        Func<string, string?> query, DateTimeOffset now, TimeSpan bucketWidth, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var step = bucketWidth;
        var stepText = query("step");
        if (stepText is not null)
        {
            if (!DurationText.TryParse(stepText, out step))
            {
                errors["step"] = [$"'{stepText}' is not a duration (e.g. 1m, 5m, 1h, PT1M)"];
            }
            else if (step.Ticks % bucketWidth.Ticks != 0)
            {
                errors["step"] = [$"step must be a multiple of the bucket width {DurationText.Format(bucketWidth)}"];
            }
        }

        var to = ParseTime(query, "to", now, errors);
        var from = ParseTime(query, "from", to - TimeSpan.FromHours(1), errors);
        if (errors.Count == 0 && from >= to)
        {
            errors["from"] = ["from must be before to"];
        }

        if (errors.Count == 0 && (to - from).Ticks / step.Ticks > MaxPoints)
        {
            errors["step"] = [$"the range holds more than {MaxPoints} steps; use a larger step or a shorter range"];
        }

        Severity? severity = null;
        var severityText = query("severity");
        if (severityText is not null)
        {
            if (SeverityNames.TryParse(severityText, out var parsed))
            {
                severity = parsed;
            }
            else
            {
                errors["severity"] = [$"'{severityText}' is not a severity (trace, debug, info, warn, error, fatal)"];
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new MetricsQuery(
            Bucketing.Floor(from, step),
            to,
            step,
            NullIfEmpty(query("tenant") ?? query("tenant_id")),
            NullIfEmpty(query("service")),
            severity);
    }

    private static DateTimeOffset ParseTime(Func<string, string?> query, string name, DateTimeOffset fallback, Dictionary<string, string[]> errors)
    {
        var text = query(name);
        if (text is null)
        {
            return fallback;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors[name] = [$"'{text}' is not an RFC 3339 timestamp"];
        return fallback;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
