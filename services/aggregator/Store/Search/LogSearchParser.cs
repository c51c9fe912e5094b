using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Query;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;
using Microsoft.Extensions.Primitives;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Validates the query strings of GET /v1/logs, /v1/logs/context and /v1/logs/tail. Pure: the current time and the
/// bounds are passed in. Every malformed, repeated, unknown or extreme parameter is an error naming it, never an
/// exception; the window stays within the years 1970..9998 and within Store:Search:MaxWindow unless trace_id is given.
/// </summary>
public static class LogSearchParser
{
    public const string AttributePrefix = "attr.";

    /// <summary>Most attr.* filters of one query.</summary>
    public const int MaxAttributeFilters = 16;

    /// <summary>Longest q: websearch_to_tsquery's cost grows with it, and no one types more.</summary>
    public const int MaxTextLength = 1024;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    private static readonly string[] FilterParameters = ["tenant", "service", "severity", "min_severity", "host", "q", "trace_id"];
    private static readonly string[] SearchParameters = [.. FilterParameters, "from", "to", "limit", "cursor"];

    public static LogSearchQuery? ParseSearch(
        IEnumerable<KeyValuePair<string, StringValues>> query, DateTimeOffset now, StoreSearchOptions options, out Dictionary<string, string[]> errors)
    {
        var values = Collect(query, SearchParameters, allowAttributes: true, out errors);
        var filter = ParseFilter(values, errors);
        var fromGiven = values.TryGetValue("from", out var fromText);
        var toGiven = values.TryGetValue("to", out var toText);
        var to = toGiven ? ParseTime("to", toText!, errors) : Clamp(now);
        var from = fromGiven ? ParseTime("from", fromText!, errors) : null;
        if (from is null && !fromGiven && to is { } end)
        {
            // With a trace id the whole retention is searched (one index probe per day); otherwise the last hour.
            from = filter?.TraceId is not null || end - MetricsQueryParser.Earliest <= DefaultWindow ? MetricsQueryParser.Earliest : end - DefaultWindow;
        }

        if (from is { } f && to is { } t)
        {
            if (f >= t)
            {
                errors["from"] = ["from must be before to"];
            }
            else if (t - f > options.MaxWindow && filter?.TraceId is null)
            {
                errors["from"] = [$"the window from..to is longer than {DurationText.Format(options.MaxWindow)} (Store:Search:MaxWindow); "
                    + "narrow it, or search by trace_id, which may span the whole retention"];
            }
        }

        var limit = ParseLimit(values, options, errors);
        var cursor = values.GetValueOrDefault("cursor");
        if (cursor is not null && (cursor.Length == 0 || cursor.Length > LogCursorCodec.MaxLength))
        {
            errors["cursor"] = ["cursor is not a cursor this API issued"];
        }

        if (errors.Count > 0 || filter is null || from is null || to is null)
        {
            return null;
        }

        return new LogSearchQuery(filter, from.Value, to.Value, fromGiven || toGiven, limit, cursor);
    }

    /// <summary>The filter of a tail: the search's filters without window, limit or cursor.</summary>
    public static LogFilter? ParseTail(IEnumerable<KeyValuePair<string, StringValues>> query, out Dictionary<string, string[]> errors)
    {
        var values = Collect(query, FilterParameters, allowAttributes: true, out errors);
        var filter = ParseFilter(values, errors);
        return errors.Count > 0 ? null : filter;
    }

    /// <summary>tenant, id, before and after of GET /v1/logs/context (before/after default 10, at most Store:Search:MaxContextLines).</summary>
    public static (string? Tenant, string Id, int Before, int After)? ParseContext(
        IEnumerable<KeyValuePair<string, StringValues>> query, StoreSearchOptions options, out Dictionary<string, string[]> errors)
    {
        var values = Collect(query, ["tenant", "id", "before", "after"], allowAttributes: false, out errors);
        var tenant = Text(values, "tenant", errors);
        var id = Text(values, "id", errors);
        if (id is null && !errors.ContainsKey("id"))
        {
            errors["id"] = ["id is required: the id of the event to show the context of"];
        }

        var before = Count(values, "before", options.MaxContextLines, errors);
        var after = Count(values, "after", options.MaxContextLines, errors);
        return errors.Count > 0 ? null : (tenant, id!, before, after);
    }

    /// <summary>An id or tenant given in the path or query: bounded, storable, not blank.</summary>
    public static string? ValidText(string name, string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MetricsQueryParser.MaxFilterLength)
        {
            errors[name] = [$"{name} is longer than {MetricsQueryParser.MaxFilterLength} characters"];
            return null;
        }

        if (!StoredText.IsStorable(text))
        {
            errors[name] = [$"{name} contains U+0000 or invalid UTF-16"];
            return null;
        }

        return text;
    }

    private static Dictionary<string, string> Collect(
        IEnumerable<KeyValuePair<string, StringValues>> query, string[] known, bool allowAttributes, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            var shownName = Shown(name);
            var attribute = allowAttributes && name.StartsWith(AttributePrefix, StringComparison.Ordinal);
            if (!attribute && Array.IndexOf(known, name) < 0)
            {
                errors[shownName] = [$"'{shownName}' is not a parameter of this operation ({string.Join(", ", known)}"
                    + (allowAttributes ? ", attr.<key>)" : ")")];
            }
            else if (value.Count != 1)
            {
                errors[shownName] = [$"{shownName} is given more than once"];
            }
            else
            {
                values[name] = value[0] ?? "";
            }
        }

        return values;
    }

    private static LogFilter? ParseFilter(Dictionary<string, string> values, Dictionary<string, string[]> errors)
    {
        var before = errors.Count;
        var tenant = Text(values, "tenant", errors);
        var service = Text(values, "service", errors);
        var host = Text(values, "host", errors);
        var traceId = Text(values, "trace_id", errors);
        var severity = ParseSeverity(values, "severity", errors);
        var minSeverity = ParseSeverity(values, "min_severity", errors);
        var text = ParseText(values, errors);
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values.Where(v => v.Key.StartsWith(AttributePrefix, StringComparison.Ordinal)))
        {
            var key = name[AttributePrefix.Length..];
            var shownName = Shown(name);
            if (key.Length == 0 || key.Length > MetricsQueryParser.MaxFilterLength || !StoredText.IsStorable(key))
            {
                errors[shownName] = [$"'{shownName}' does not name an attribute (attr.<key>=<value>, key 1..{MetricsQueryParser.MaxFilterLength} characters, no U+0000)"];
            }
            else if (value.Length > MetricsQueryParser.MaxFilterLength || !StoredText.IsStorable(value))
            {
                errors[shownName] = [$"{shownName} is longer than {MetricsQueryParser.MaxFilterLength} characters or contains U+0000 or invalid UTF-16"];
            }
            else
            {
                attributes[key] = value;
            }
        }

        if (attributes.Count > MaxAttributeFilters)
        {
            errors["attr"] = [$"at most {MaxAttributeFilters} attr.<key> filters"];
        }

        return errors.Count > before ? null : new LogFilter(tenant, service, severity, minSeverity, host, text, traceId, [.. attributes]);
    }

    private static string? Text(Dictionary<string, string> values, string name, Dictionary<string, string[]> errors)
        => ValidText(name, values.GetValueOrDefault(name), errors);

    private static string? ParseText(Dictionary<string, string> values, Dictionary<string, string[]> errors)
    {
        var text = values.GetValueOrDefault("q");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MaxTextLength || !StoredText.IsStorable(text))
        {
            errors["q"] = [$"q is longer than {MaxTextLength} characters or contains U+0000 or invalid UTF-16"];
            return null;
        }

        // Only letters and digits make words (the 'simple' parser's lexemes); a q of punctuation alone would match
        // nothing, silently.
        if (!text.Any(char.IsLetterOrDigit))
        {
            errors["q"] = ["q has no word to search for: words, \"phrases\", -word or -\"phrase\""];
            return null;
        }

        return text;
    }

    private static Severity? ParseSeverity(Dictionary<string, string> values, string name, Dictionary<string, string[]> errors)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (SeverityNames.TryParse(text, out var parsed))
        {
            return parsed;
        }

        errors[name] = [$"'{Shown(text)}' is not a severity: {SeverityNames.AcceptedSpellings}"];
        return null;
    }

    private static DateTimeOffset? ParseTime(string name, string text, Dictionary<string, string[]> errors)
    {
        if (!Rfc3339.TryParse(text, out var value))
        {
            errors[name] = [$"'{Shown(text)}' is not an RFC 3339 timestamp (e.g. 2026-11-27T15:00:00Z)"];
            return null;
        }

        if (value < MetricsQueryParser.Earliest || value >= MetricsQueryParser.Latest)
        {
            errors[name] = [$"{name} must be between {MetricsQueryParser.Earliest:yyyy-MM-dd} and {MetricsQueryParser.Latest:yyyy-MM-dd}"];
            return null;
        }

        return value;
    }

    private static int ParseLimit(Dictionary<string, string> values, StoreSearchOptions options, Dictionary<string, string[]> errors)
    {
        var limit = Count(values, "limit", options.MaxRows, errors, options.DefaultLimit);
        if (values.ContainsKey("limit") && limit == 0 && !errors.ContainsKey("limit"))
        {
            errors["limit"] = [$"limit must be between 1 and {options.MaxRows} (Store:Search:MaxRows)"];
        }

        return Math.Min(limit, options.MaxRows);
    }

    private static int Count(Dictionary<string, string> values, string name, int max, Dictionary<string, string[]> errors, int fallback = 10)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return Math.Min(fallback, max);
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count > max)
        {
            errors[name] = [$"{name} must be a whole number from 0 to {max}"];
            return 0;
        }

        return count;
    }

    private static DateTimeOffset Clamp(DateTimeOffset now)
        => now < MetricsQueryParser.Earliest ? MetricsQueryParser.Earliest : now >= MetricsQueryParser.Latest ? MetricsQueryParser.Latest.AddTicks(-1) : now;

    private static string Shown(string text) => StoredText.Printable(text, 64);
}
