using System.Security.Cryptography;
using System.Text;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// Applies a validated <c>redaction</c> section to text. Every matcher scans the original text; overlapping matches
/// are resolved by taking the earliest start, then the longest, then the preset order of
/// <see cref="RedactionPresets.All"/> (custom patterns last, in their order), so equal input gives equal output and a
/// replacement is never scanned again. Thread-safe once built.
/// </summary>
public sealed class Redactor
{
    [ThreadStatic]
    private static List<Candidate>? scratch;

    private readonly PiiMatcher[] matchers;
    private readonly string[] masks;
    private readonly byte[]? hashKey;

    private Redactor(PiiMatcher[] matchers, RedactionRules rules, byte[]? hashKey)
    {
        this.matchers = matchers;
        this.hashKey = rules.Mode == RedactionMode.Hash ? hashKey : null;
        masks = [.. matchers.Select(m => $"[REDACTED:{m.Kind}]")];
        Mode = rules.Mode;
        RedactsMessage = rules.Message;
        allAttributes = rules.Attributes.Contains("*", StringComparer.Ordinal);
        attributes = rules.Attributes.ToHashSet(StringComparer.Ordinal);
    }

    private readonly bool allAttributes;
    private readonly HashSet<string> attributes;

    public RedactionMode Mode { get; }

    /// <summary>Whether the event message is redacted (<c>redaction.message</c>).</summary>
    public bool RedactsMessage { get; }

    /// <summary>The kinds this redactor finds, in tie-breaking order.</summary>
    public IReadOnlyList<string> Kinds => [.. matchers.Select(m => m.Kind)];

    /// <summary>Builds the redactor; throws <see cref="ProcessingSetupException"/> for rules that do not validate or a missing or short hash key.</summary>
    public static Redactor Create(RedactionRules rules, byte[]? hashKey)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = RedactionSetup.Validate(rules, "redaction").ToList();
        if (errors.Count > 0)
        {
            throw new ProcessingSetupException("invalid redaction rules: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")));
        }

        if (rules.Mode == RedactionMode.Hash)
        {
            if (hashKey is null || hashKey.Length == 0)
            {
                throw new ProcessingSetupException(
                    $"redaction.mode is hash but no hash key is set: set Processing__HashKey (at least {RedactionSetup.MinHashKeyBytes} bytes)");
            }

            if (hashKey.Length < RedactionSetup.MinHashKeyBytes)
            {
                throw new ProcessingSetupException(
                    $"redaction.mode is hash but the hash key (Processing__HashKey) is {hashKey.Length} bytes; it needs at least {RedactionSetup.MinHashKeyBytes}");
            }
        }

        var matchers = new List<PiiMatcher>();
        foreach (string preset in RedactionPresets.All)
        {
            if (rules.Presets.Contains(preset, StringComparer.Ordinal))
            {
                matchers.Add(RedactionPresets.Matcher(preset));
            }
        }

        foreach (var pattern in rules.Patterns)
        {
            RedactionSetup.TryCompile(pattern.Regex, out var regex);
            matchers.Add(new CustomPatternMatcher(pattern.Name, regex!));
        }

        return new Redactor([.. matchers], rules, hashKey is null ? null : [.. hashKey]);
    }

    /// <summary>Whether the value of this attribute key is redacted (<c>redaction.attributes</c>, <c>*</c> = all).</summary>
    public bool RedactsAttribute(string key) => allAttributes || attributes.Contains(key);

    /// <summary>The value with every match replaced, counted per kind; the same instance when nothing matched.</summary>
    public string Redact(string value, ProcessingCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        Redact(value, counters, out string result);
        return result;
    }

    /// <summary>
    /// Redacts <paramref name="value"/> into <paramref name="result"/> (the same instance when nothing matched) and
    /// says whether anything matched: in drop mode the caller removes an attribute for which this is true.
    /// </summary>
    public bool Redact(string value, ProcessingCounters? counters, out string result)
    {
        ArgumentNullException.ThrowIfNull(value);
        result = value;
        if (matchers.Length == 0 || value.Length == 0)
        {
            return false;
        }

        var found = scratch ??= [];
        found.Clear();
        try
        {
            for (int k = 0; k < matchers.Length; k++)
            {
                matchers[k].Find(value, found, k);
            }

            if (found.Count == 0)
            {
                return false;
            }

            if (found.Count > 1)
            {
                found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
                    : a.Length != b.Length ? b.Length.CompareTo(a.Length)
                    : a.Matcher.CompareTo(b.Matcher));
            }

            var output = new StringBuilder(value.Length + 32);
            int done = 0;
            foreach (var match in found)
            {
                if (match.Start < done)
                {
                    continue; // overlaps a match already taken
                }

                output.Append(value, done, match.Start - done);
                AppendReplacement(output, value.AsSpan(match.Start, match.Length), match.Matcher);
                counters?.AddRedaction(matchers[match.Matcher].Kind);
                done = match.Start + match.Length;
            }

            output.Append(value, done, value.Length - done);
            result = output.ToString();
            return true;
        }
        finally
        {
            found.Clear();
            if (found.Capacity > 4096)
            {
                scratch = null; // a huge input must not pin its candidate list to the thread
            }
        }
    }

    /// <summary>Message presets and custom patterns over arbitrary text (dead letters, log lines), not counted.</summary>
    public string RedactText(string text)
    {
        Redact(text, null, out string result);
        return result;
    }

    private void AppendReplacement(StringBuilder output, ReadOnlySpan<char> value, int matcher)
    {
        if (hashKey is null)
        {
            output.Append(masks[matcher]);
            return;
        }

        int byteCount = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            int written = Encoding.UTF8.GetBytes(value, bytes);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(hashKey, bytes[..written], mac);
            output.Append("[HASH:").Append(matchers[matcher].Kind).Append(':').Append(Convert.ToHexStringLower(mac[..8])).Append(']');
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
