using System.Text.RegularExpressions;

namespace LogDapr.Processing.Redaction;

/// <summary>A user pattern, run by the non-backtracking engine (linear in the text); empty matches are ignored.</summary>
internal sealed class CustomPatternMatcher(string name, Regex regex) : PiiMatcher(RedactionPresets.CustomKindPrefix + name)
{
    public const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        foreach (var match in regex.EnumerateMatches(text))
        {
            if (match.Length > 0)
            {
                found.Add(new Candidate(match.Index, match.Length, matcher));
            }
        }
    }
}
