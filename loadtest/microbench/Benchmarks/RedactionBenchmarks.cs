using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using LogDapr.Processing;
using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// Redaction of one ~200-byte message per preset, with and without a value to redact, beside a naive baseline: a
/// plain (backtracking) <see cref="Regex"/> of roughly the same pattern, without the checks (Luhn, mod-97, octets).
/// One operation is <see cref="Messages"/> messages, so events/s = Messages / mean.
/// </summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    public const int Messages = 100;

    private const string Filler = "GET /api/orders/ORD-2024-000123 200 in 12.5ms at 2024-11-28T08:12:34.567Z build 10.0.12 "
        + "request 123e4567-e89b-12d3-a456-426614174000 user=alice retries=3 sha 9f86d081884c7d65 latency p99 ok "
        + "GET /api/orders/ORD-2024-000124 200 in 11.0ms";

    private static readonly Dictionary<string, (string Value, string Baseline)> Cases = new(StringComparer.Ordinal)
    {
        ["email"] = ("bob.smith@example.com", @"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
        ["credit_card"] = ("4111 1111 1111 1111", @"\b(?:\d[ -]?){12,18}\d\b"),
        ["ipv4"] = ("192.168.10.42", @"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"),
        ["ipv6"] = ("2001:db8::8a2e:370:7334", @"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}"),
        ["phone"] = ("+1 (555) 123-4567", @"\+?\d{0,3}[ .-]?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b"),
        ["jwt"] = ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl", @"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
        ["bearer_token"] = ("Bearer abc123def456ghi789", @"(?i)bearer\s+[A-Za-z0-9._~+/-]+=*"),
        ["basic_auth"] = ("Basic dXNlcjpwYXNzd29yZA==", @"(?i)basic\s+[A-Za-z0-9+/]+={0,2}|://[^/\s:@]+:[^/\s@]+@"),
        ["aws_access_key"] = ("AKIAIOSFODNN7EXAMPLE", @"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
        ["iban"] = ("DE89 3704 0044 0532 0130 00", @"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"),
    };

    private Redactor redactor = null!;
    private Regex baseline = null!;
    private string[] messages = [];

    [Params("email", "credit_card", "ipv4", "ipv6", "phone", "jwt", "bearer_token", "basic_auth", "aws_access_key", "iban")]
    public string Preset { get; set; } = "email";

    [Params(false, true)]
    public bool WithMatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (value, pattern) = Cases[Preset];
        redactor = Redactor.Create(new RedactionRules { Presets = [Preset] }, null);
        baseline = new Regex(pattern, RegexOptions.CultureInvariant);
        // 200 characters either way; the value, when there is one, at the end (the scanners read everything before it).
        string message = WithMatch ? Filler[..(200 - value.Length - 7)] + " value " + value : Filler[..200];
        messages = [.. Enumerable.Range(0, Messages).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + message[3..])];
        string once = redactor.RedactText(messages[0]);
        if (ReferenceEquals(once, messages[0]) == WithMatch)
        {
            throw new InvalidOperationException($"{Preset}: expected {(WithMatch ? "a" : "no")} redaction in '{messages[0]}', got '{once}'");
        }
    }

    [Benchmark(Baseline = true, Description = "naive backtracking Regex.Replace")]
    public int NaiveRegex()
    {
        int changed = 0;
        foreach (string message in messages)
        {
            changed += ReferenceEquals(baseline.Replace(message, "[REDACTED]"), message) ? 0 : 1;
        }

        return changed;
    }

    [Benchmark(Description = "Redactor.Redact")]
    public int HandWrittenRedactor()
    {
        var counters = new ProcessingCounters();
        int changed = 0;
        foreach (string message in messages)
        {
            changed += ReferenceEquals(redactor.Redact(message, counters), message) ? 0 : 1;
        }

        return changed;
    }
}
