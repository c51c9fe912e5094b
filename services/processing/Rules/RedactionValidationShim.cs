using System.Text.RegularExpressions;

namespace LogDapr.Processing.Rules;

/// <summary>
/// Stand-in for <c>RedactionSetup.Validate</c> (written on the redaction branch) so this branch builds and refuses the
/// obvious mistakes: empty pattern names and regexes that do not compile without backtracking. Removed at merge.
/// </summary>
internal static class RedactionValidationShim
{
    public static IEnumerable<RuleError> Validate(RedactionRules rules, string path)
    {
        var errors = new List<RuleError>();
        for (int i = 0; i < rules.Patterns.Count; i++)
        {
            var pattern = rules.Patterns[i];
            if (string.IsNullOrWhiteSpace(pattern.Name))
            {
                errors.Add(new RuleError($"{path}.patterns[{i}].name", "must not be empty"));
            }
            try
            {
                _ = new Regex(pattern.Regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                errors.Add(new RuleError($"{path}.patterns[{i}].regex", $"invalid regex: {e.Message}"));
            }
            catch (NotSupportedException e)
            {
                errors.Add(new RuleError($"{path}.patterns[{i}].regex", $"not supported without backtracking: {e.Message}"));
            }
        }
        return errors;
    }
}
