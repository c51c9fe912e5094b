using System.Text.RegularExpressions;

namespace LogDapr.Observability.Tests.Support;

/// <summary>
/// The metric names a PromQL expression selects. Enough of the grammar for dashboards and alert rules: strings,
/// label matchers, range and subquery brackets, and the label lists of by/without/on/ignoring/group_* are removed;
/// what remains that is an identifier not followed by '(' and not a keyword is a metric name.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan",
    };

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = Strings().Replace(expression, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = LabelLists().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifiers().Matches(text))
        {
            var name = match.Groups[1].Value;
            var rest = text.AsSpan(match.Index + match.Length).TrimStart();
            if (Keywords.Contains(name) || (rest.Length > 0 && rest[0] == '('))
            {
                continue;
            }

            names.Add(name);
        }

        return names;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex LabelLists();

    // Not after a word character, '.', or '$' (numbers like 5m or 1e3, Grafana variables).
    [GeneratedRegex(@"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex Identifiers();
}
