using System.Text.RegularExpressions;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Redaction;

/// <summary>Checks a <c>redaction</c> section before anything runs: every mistake with its path, none thrown.</summary>
public static partial class RedactionSetup
{
    public const int MaxPatternLength = 1024;
    public const int MinHashKeyBytes = 16;

    /// <param name="rules">The parsed section.</param>
    /// <param name="path">Where the section is in the document, e.g. <c>redaction</c>; prefixes every error path.</param>
    public static IEnumerable<RuleError> Validate(RedactionRules rules, string path)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = new List<RuleError>();
        var presets = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < rules.Presets.Count; i++)
        {
            string at = $"{path}.presets[{i}]";
            string? preset = rules.Presets[i];
            if (string.IsNullOrEmpty(preset))
            {
                errors.Add(new RuleError(at, "a preset name must not be empty"));
            }
            else if (!RedactionPresets.All.Contains(preset, StringComparer.Ordinal))
            {
                errors.Add(new RuleError(at, $"unknown preset '{preset}'; the presets are {string.Join(", ", RedactionPresets.All.Order(StringComparer.Ordinal))}"));
            }
            else if (!presets.Add(preset))
            {
                errors.Add(new RuleError(at, $"preset '{preset}' is listed twice"));
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < rules.Patterns.Count; i++)
        {
            string at = $"{path}.patterns[{i}]";
            var pattern = rules.Patterns[i];
            if (pattern is null)
            {
                errors.Add(new RuleError(at, "a pattern needs a name and a regex"));
                continue;
            }

            if (string.IsNullOrEmpty(pattern.Name))
            {
                errors.Add(new RuleError($"{at}.name", "a pattern needs a name"));
            }
            else if (!PatternName().IsMatch(pattern.Name))
            {
                errors.Add(new RuleError($"{at}.name", $"'{pattern.Name}' is not a pattern name: use 1 to 64 characters of a-z, 0-9 and _"));
            }
            else if (!names.Add(pattern.Name))
            {
                errors.Add(new RuleError($"{at}.name", $"pattern name '{pattern.Name}' is used twice"));
            }

            if (TryCompile(pattern.Regex, out _) is { } problem)
            {
                errors.Add(new RuleError($"{at}.regex", problem));
            }
        }

        CheckKeys(rules.Attributes, $"{path}.attributes", errors);
        CheckKeys(rules.AllowAttributes, $"{path}.allowAttributes", errors);
        return errors;
    }

    /// <summary>Compiles a custom pattern the way the redactor runs it; the problem as a sentence, or null.</summary>
    internal static string? TryCompile(string? pattern, out Regex? regex)
    {
        regex = null;
        if (string.IsNullOrEmpty(pattern))
        {
            return "a pattern needs a regex";
        }

        if (pattern.Length > MaxPatternLength)
        {
            return $"the regex is {pattern.Length} characters long; the limit is {MaxPatternLength}";
        }

        try
        {
            regex = new Regex(pattern, CustomPatternMatcher.Options);
        }
        catch (NotSupportedException e)
        {
            return "the regex uses a construct the non-backtracking engine does not support (backreferences, lookarounds, "
                + $"atomic groups, possessive or lazy-only semantics, conditionals, \\G): {e.Message}";
        }
        catch (ArgumentException e)
        {
            return $"not a valid regular expression: {e.Message}";
        }

        if (regex.IsMatch(string.Empty))
        {
            regex = null;
            return "the regex matches the empty text; a pattern must need at least one character to match";
        }

        return null;
    }

    private static void CheckKeys(IReadOnlyList<string> keys, string path, List<RuleError> errors)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            if (string.IsNullOrEmpty(keys[i]))
            {
                errors.Add(new RuleError($"{path}[{i}]", "an attribute key must not be empty"));
            }
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex PatternName();
}
