using System.Text;
using CsCheck;
using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Tests.Redaction;

/// <summary>Generated PII in generated surroundings: it never survives, and clean text is never touched.</summary>
public class RedactionPropertyTests
{
    private static readonly Redactor All = Redactor.Create(new RedactionRules { Presets = RedactionPresets.All }, null);

    private static readonly Gen<char> Lower = Gen.Char['a', 'z'];
    private static readonly Gen<char> Upper = Gen.Char['A', 'Z'];
    private static readonly Gen<char> Digit = Gen.Char['0', '9'];
    private static readonly Gen<string> Word = Gen.String[Lower, 1, 10];

    /// <summary>What separates a value from its neighbours in a log line (none of them can be part of a value).</summary>
    private static readonly Gen<string> Separator = Gen.OneOf(" ", ", ", " (", ") ", "\"", " = ", "\n", "\t", "; ", " <", "> ", "[", "] ", "'", "=");

    /// <summary>Tokens that look like log text but hold no PII: words, small key=number pairs, timestamps, UUIDs, versions, hex ids.</summary>
    private static readonly Gen<string> CleanToken = Gen.OneOf(
        Word,
        Gen.Select(Word, Gen.Int[0, 999_999], (k, n) => $"{k}={n}"),
        Gen.DateTime[new DateTime(2000, 1, 1), new DateTime(2100, 1, 1)].Select(t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Guid.Select(g => g.ToString()),
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 30], Gen.Int[0, 300], (a, b, c) => $"v{a}.{b}.{c}"),
        Gen.Long[0, long.MaxValue].Select(n => $"0x{n:x}"),
        Gen.Long[1_000_000_000_000, 1_999_999_999_999].Select(ms => $"ts={ms}"),
        Gen.Int[1, 9_999_999].Select(n => $"ORD-{n:D8}"));

    private static readonly Gen<string> CleanText =
        Gen.Select(CleanToken, Separator).Array[0, 12].Select(parts => string.Concat(parts.Select(p => p.Item1 + p.Item2)));

    // The word right before each value: a phone directly after another number and one separator ("12 555 123 4567")
    // is, by design, taken as part of that longer number and left alone (see docs/processing.md).
    [Fact]
    public void Generated_pii_at_any_position_never_survives() =>
        Gen.Select(CleanText, Separator, Pii, Separator, CleanText).Sample((before, left, pii, right, after) =>
        {
            string text = before + "near" + left + pii.Text + right + after;
            var counters = new ProcessingCounters();

            string result = All.Redact(text, counters);

            Assert.DoesNotContain(pii.Secret, result, StringComparison.Ordinal);
            Assert.NotEmpty(counters.Redactions);
        }, iter: 20_000, print: x => $"{x.Item1 + "near" + x.Item2 + x.Item3.Text + x.Item4 + x.Item5} ({x.Item3.Kind})");

    [Fact]
    public void Several_pii_values_in_one_text_all_go() =>
        Gen.Select(Pii, Separator, CleanToken).Array[1, 6].Sample(parts =>
        {
            string text = string.Concat(parts.Select(p => p.Item1.Text + p.Item2 + p.Item3 + p.Item2 + "then "));

            string result = All.RedactText(text);

            foreach (var (pii, _, _) in parts)
            {
                Assert.DoesNotContain(pii.Secret, result, StringComparison.Ordinal);
            }
        }, iter: 5_000, print: parts => string.Concat(parts.Select(p => p.Item1.Text + p.Item2 + p.Item3 + p.Item2 + "then ")));

    [Fact]
    public void Clean_generated_text_comes_out_unchanged() =>
        CleanText.Sample(text => Assert.Same(text, All.RedactText(text)), iter: 20_000);

    [Fact]
    public void Redaction_is_deterministic_and_leaves_no_pii_on_a_second_pass() =>
        Gen.Select(CleanText, Separator, Pii, Separator).Sample((before, left, pii, right) =>
        {
            string text = before + "near" + left + pii.Text + right;
            string once = All.RedactText(text);

            Assert.Equal(once, All.RedactText(text));
            Assert.Equal(once, All.RedactText(once));
        }, iter: 5_000);

    [Fact]
    public void Hash_tokens_are_equal_for_equal_values_and_differ_across_keys() =>
        Gen.Select(Pii, Gen.Byte.Array[16, 32], Gen.Byte.Array[16, 32]).Sample((pii, key1, key2) =>
        {
            var rules = new RedactionRules { Presets = RedactionPresets.All, Mode = RedactionMode.Hash };
            var first = Redactor.Create(rules, key1);
            var again = Redactor.Create(rules, [.. key1]);
            var other = Redactor.Create(rules, key2);

            string a = first.RedactText(pii.Text);
            Assert.Equal(a, again.RedactText(pii.Text));
            Assert.Equal(a, first.RedactText(pii.Text));
            Assert.StartsWith("[HASH:", a[a.IndexOf("[HASH:", StringComparison.Ordinal)..], StringComparison.Ordinal);
            Assert.DoesNotContain(pii.Secret, a, StringComparison.Ordinal);
            if (!key1.AsSpan().SequenceEqual(key2))
            {
                Assert.NotEqual(a, other.RedactText(pii.Text));
            }
        }, iter: 2_000);

    [Fact]
    public void Hash_tokens_of_different_values_differ() =>
        Gen.Select(Pii, Pii).Where((a, b) => a.Secret != b.Secret && a.Text == a.Secret && b.Text == b.Secret).Sample((a, b) =>
        {
            var redactor = Redactor.Create(new RedactionRules { Presets = RedactionPresets.All, Mode = RedactionMode.Hash }, new byte[32]);

            Assert.NotEqual(redactor.RedactText(a.Text)[^17..], redactor.RedactText(b.Text)[^17..]);
        }, iter: 2_000);

    public static TheoryData<string, string> Adversarial => new()
    {
        { "a@", "no email" }, { "a.", "no email" }, { "1 ", "digits" }, { "1-", "digits" }, { "1.", "dots" }, { "255.", "dots" },
        { "::", "colons" }, { "a:", "colons" }, { "eyJ", "jwt" }, { "eyJabc.", "jwt" }, { "eyJabcdefghij ", "jwt" }, { "Bearer ", "bearer" },
        { "basic ", "basic" }, { "x://", "url" }, { "://@", "url" }, { "AKIA", "aws" }, { "aws_secret_access_key=", "aws" },
        { "DE89 ", "iban" }, { "+1 ", "phone" }, { "(5", "phone" }, { "0 ", "phone" },
    };

    /// <summary>1 MiB of one repeated near-match for every preset: completes (linear scanners) and changes nothing.</summary>
    [Theory]
    [MemberData(nameof(Adversarial))]
    public void A_mebibyte_of_near_matches_is_left_unchanged(string unit, string what)
    {
        var text = new StringBuilder(1 << 20);
        while (text.Length < 1 << 20)
        {
            text.Append(unit);
        }

        string input = text.ToString();
        var counters = new ProcessingCounters();

        string result = All.Redact(input, counters);

        Assert.True(ReferenceEquals(input, result), $"{what}: {string.Join(", ", counters.Redactions)}");
    }

    [Fact]
    public void A_mebibyte_of_real_matches_is_all_redacted()
    {
        const string unit = "bob@example.com 10.0.0.1 4111 1111 1111 1111 ";
        string input = string.Concat(Enumerable.Repeat(unit, (1 << 20) / unit.Length));
        var counters = new ProcessingCounters();

        string result = All.Redact(input, counters);

        int units = (1 << 20) / unit.Length;
        Assert.Equal(units, counters.Redactions["email"]);
        Assert.Equal(units, counters.Redactions["ipv4"]);
        Assert.Equal(units, counters.Redactions["credit_card"]);
        Assert.DoesNotContain("@", result, StringComparison.Ordinal);
    }

    public sealed record PiiValue(string Kind, string Text, string Secret);

    private static readonly Gen<string> Email =
        Gen.Select(
            Gen.String[Gen.OneOf(Lower, Digit), 1, 12],
            Gen.OneOf("", ".", "_", "+", "-", "%"),
            Gen.String[Gen.OneOf(Lower, Digit), 1, 8],
            Gen.String[Gen.OneOf(Lower, Digit), 1, 12].Array[1, 3],
            Gen.String[Lower, 2, 6],
            Gen.Bool)
        .Select((a, sep, b, labels, tld, upper) =>
        {
            string email = $"{a}{sep}{b}@{string.Join('.', labels)}.{tld}";
            return upper ? email.ToUpperInvariant() : email;
        });

    private static readonly (string Prefix, int Length)[] Issuers =
        [("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 19), ("3530", 16), ("36", 14), ("62", 18), ("50", 13)];

    private static readonly Gen<string> CreditCard =
        Gen.Select(Gen.OneOf(Issuers), Gen.String[Digit, 19, 19], Gen.OneOf("", " ", "-"))
        .Select((issuer, digits, sep) =>
        {
            var number = (issuer.Prefix + digits)[..(issuer.Length - 1)];
            for (char check = '0'; check <= '9'; check++)
            {
                if (Luhn(number + check))
                {
                    number += check;
                    break;
                }
            }

            return sep.Length == 0 ? number : string.Join(sep, number.Chunk(4).Select(c => new string(c)));
        });

    private static readonly Gen<string> Ipv4 = Gen.Byte.Array[4, 4].Select(b => string.Join('.', b));

    private static readonly Gen<string> Ipv6 =
        Gen.Select(Gen.Int[0, 0xFFFF].Array[8, 8], Gen.Int[0, 8], Gen.Int[0, 8], Gen.Int[0, 3], Ipv4)
        .Select((groups, from, count, form, v4) =>
        {
            var hex = groups.Select(g => g.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (form == 0)
            {
                return string.Join(':', hex);
            }

            if (form == 1)
            {
                return "::ffff:" + v4;
            }

            // Compressed: one run of groups becomes "::" (at least one group, at most seven kept).
            int start = Math.Min(from, 7);
            int length = Math.Clamp(count, 1, 8 - start);
            return string.Join(':', hex[..start]) + "::" + string.Join(':', hex[(start + length)..]);
        })
        // The documented rule: a compressed address with fewer than three groups needs a decimal digit.
        .Where(a => a.Count(c => c == ':') >= 4 || a.Any(char.IsAsciiDigit));

    private static readonly Gen<string> Phone = Gen.OneOf(
        Gen.Select(Gen.Int[2, 9], Gen.String[Digit, 9, 9], Gen.OneOf("{0}{1}{2}-{3}{4}{5}-{6}", "({0}{1}{2}) {3}{4}{5}-{6}", "{0}{1}{2}.{3}{4}{5}.{6}", "+1 {0}{1}{2} {3}{4}{5} {6}", "1-{0}{1}{2}-{3}{4}{5}-{6}", "+1 ({0}{1}{2}) {3}{4}{5}-{6}"))
            .Select((area, rest, format) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format,
                area, rest[0], rest[1], rest[2], rest[3], rest[4], rest[5..])),
        Gen.Select(Gen.Int[1, 99], Gen.String[Digit, 7, 12], Gen.OneOf("", " ", "-"))
            .Select((cc, n, sep) => $"+{cc}{sep}{string.Join(sep, n.Chunk(3).Select(c => new string(c)))}"),
        Gen.String[Digit, 9, 9].Select(n => $"0{n[0]} {n[1..3]} {n[3..5]} {n[5..7]} {n[7..]}"));

    private static readonly Gen<string> Base64UrlJson = Gen.String[Gen.OneOf(Lower, Digit), 1, 40]
        .Select(s => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"alg\":\"{s}\"}}")).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    private static readonly Gen<string> Jwt = Gen.Select(Base64UrlJson, Base64UrlJson, Gen.String[Gen.OneOf(Lower, Upper, Digit, Gen.Const('-'), Gen.Const('_')), 0, 86])
        .Select((h, p, s) => $"{h}.{p}.{s}");

    private static readonly Gen<string> AwsKeyId = Gen.Select(Gen.OneOf("AKIA", "ASIA"), Gen.String[Gen.OneOf(Upper, Digit), 16, 16]).Select((p, s) => p + s);

    private static readonly Gen<string> AwsSecret = Gen.String[Gen.OneOf(Upper, Lower, Digit, Gen.Const('/'), Gen.Const('+')), 40, 40];

    private static readonly (string Country, int Length)[] IbanCountries =
        [("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("NO", 15), ("ES", 24), ("IT", 27), ("CH", 21), ("BE", 16), ("MT", 31), ("LC", 32)];

    private static readonly Gen<string> Iban =
        Gen.Select(Gen.OneOf(IbanCountries), Gen.String[Gen.OneOf(Upper, Digit, Digit), 28, 28], Gen.Bool)
        .Select((country, bban, spaced) =>
        {
            bban = bban[..(country.Length - 4)];
            int check = 98 - Mod97(bban + country.Country + "00");
            string iban = $"{country.Country}{check:D2}{bban}";
            return spaced ? string.Join(' ', iban.Chunk(4).Select(c => new string(c))) : iban;
        });

    private static readonly Gen<string> Opaque = Gen.Select(Gen.String[Gen.OneOf(Lower, Upper, Digit, Gen.OneOf('-', '.', '_', '~', '+', '/')), 6, 60], Digit, Gen.OneOf(Lower, Upper, Digit))
        .Select((s, d, last) => d + s + last); // a trailing '.' would end the sentence, not the token

    private static readonly Gen<PiiValue> Pii = Gen.OneOf(
        Email.Select(v => new PiiValue("email", v, v)),
        CreditCard.Select(v => new PiiValue("credit_card", v, v)),
        Ipv4.Select(v => new PiiValue("ipv4", v, v)),
        Ipv6.Select(v => new PiiValue("ipv6", v, v)),
        Phone.Select(v => new PiiValue("phone", v, v)),
        Jwt.Select(v => new PiiValue("jwt", v, v)),
        Gen.Select(Gen.OneOf("Bearer", "bearer", "BEARER"), Opaque).Select((w, t) => new PiiValue("bearer_token", $"{w} {t}", t)),
        Gen.Select(Word, Opaque).Select((u, p) =>
        {
            string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{u}:{p}"));
            return new PiiValue("basic_auth", "Basic " + encoded, encoded);
        }),
        Gen.Select(Word, Gen.String[Gen.OneOf(Lower, Digit), 4, 20], Word).Select((u, p, h) => new PiiValue("basic_auth", $"https://{u}:{p}@{h}.example.com/x", $"{u}:{p}")),
        AwsKeyId.Select(v => new PiiValue("aws_access_key", v, v)),
        AwsSecret.Select(v => new PiiValue("aws_access_key", "aws_secret_access_key=" + v, v)),
        Iban.Select(v => new PiiValue("iban", v, v)));

    private static bool Luhn(string digits)
    {
        int sum = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            int d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    private static int Mod97(string rearranged)
    {
        int r = 0;
        foreach (char c in rearranged)
        {
            r = char.IsAsciiDigit(c) ? (r * 10 + (c - '0')) % 97 : (r * 100 + (c - 'A' + 10)) % 97;
        }

        return r;
    }
}
