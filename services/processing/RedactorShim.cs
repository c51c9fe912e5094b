using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing;

/// <summary>
/// Stand-in for <c>LogDapr.Processing.Redaction.Redactor</c> (written on the redaction branch) with the same shape,
/// so the processor's redaction stage is wired and tested here. It applies custom patterns only (presets are the
/// real redactor's job). Replaced by <c>Redactor</c> at merge.
/// </summary>
internal sealed class RedactorShim
{
    private readonly (string Kind, string Name, Regex Regex)[] patterns;
    private readonly RedactionMode mode;
    private readonly byte[]? hashKey;

    private RedactorShim(RedactionRules rules, byte[]? hashKey)
    {
        mode = rules.Mode;
        this.hashKey = hashKey;
        patterns = new (string, string, Regex)[rules.Patterns.Count];
        for (int i = 0; i < patterns.Length; i++)
        {
            var pattern = rules.Patterns[i];
            patterns[i] = ("custom:" + pattern.Name, pattern.Name, new Regex(pattern.Regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
        }
    }

    public static RedactorShim Create(RedactionRules rules, byte[]? hashKey)
    {
        if (rules.Mode == RedactionMode.Hash && (hashKey is null || hashKey.Length == 0))
        {
            throw new ProcessingSetupException("redaction.mode is hash but no hash key is configured (Processing__HashKey)");
        }
        return new RedactorShim(rules, hashKey);
    }

    public string Redact(string value, ProcessingCounters counters) => Apply(value, counters);

    public string RedactText(string text) => Apply(text, null);

    private string Apply(string value, ProcessingCounters? counters)
    {
        string result = value;
        foreach (var (kind, name, regex) in patterns)
        {
            if (!regex.IsMatch(result))
            {
                continue;
            }
            result = Replace(result, kind, name, regex, counters);
        }
        return result;
    }

    // Separate so the closure is only allocated when something matched.
    private string Replace(string value, string kind, string name, Regex regex, ProcessingCounters? counters) =>
        regex.Replace(value, match =>
        {
            counters?.AddRedaction(kind);
            return mode == RedactionMode.Hash
                ? $"[HASH:{name}:{Convert.ToHexStringLower(HMACSHA256.HashData(hashKey!, Encoding.UTF8.GetBytes(match.Value)))[..16]}]"
                : $"[REDACTED:{name}]";
        });
}
