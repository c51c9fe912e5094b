using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Tests.Redaction;

public class RedactorTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Hash_mode_replaces_with_the_first_16_hex_of_the_hmac_of_the_value()
    {
        var redactor = Redactor.Create(new RedactionRules { Presets = ["email"], Mode = RedactionMode.Hash }, Key);

        string result = redactor.RedactText("from bob@example.com");

        string expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Key, "bob@example.com"u8))[..16];
        Assert.Equal($"from [HASH:email:{expected}]", result);
    }

    [Fact]
    public void Hash_mode_without_a_key_is_refused_with_a_precise_message()
    {
        var rules = new RedactionRules { Presets = ["email"], Mode = RedactionMode.Hash };

        var missing = Assert.Throws<ProcessingSetupException>(() => Redactor.Create(rules, null));
        var empty = Assert.Throws<ProcessingSetupException>(() => Redactor.Create(rules, []));
        var shortKey = Assert.Throws<ProcessingSetupException>(() => Redactor.Create(rules, new byte[15]));

        Assert.Contains("Processing__HashKey", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no hash key", empty.Message, StringComparison.Ordinal);
        Assert.Contains("is 15 bytes; it needs at least 16", shortKey.Message, StringComparison.Ordinal);
        Redactor.Create(rules, new byte[16]); // the smallest accepted key
    }

    [Fact]
    public void Mask_mode_needs_no_key_and_invalid_rules_are_refused_at_create()
    {
        Redactor.Create(new RedactionRules { Presets = ["email"] }, null);

        var e = Assert.Throws<ProcessingSetupException>(() => Redactor.Create(new RedactionRules { Presets = ["emails"] }, null));

        Assert.Contains("redaction.presets[0]: unknown preset 'emails'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drop_mode_tells_the_caller_a_value_matched_and_masks_text()
    {
        var redactor = Redactor.Create(new RedactionRules { Presets = ["ipv4"], Mode = RedactionMode.Drop }, null);
        var counters = new ProcessingCounters();

        bool matched = redactor.Redact("client 10.1.2.3", counters, out string masked);
        bool clean = redactor.Redact("client local", counters, out string same);

        Assert.True(matched);
        Assert.Equal("client [REDACTED:ipv4]", masked);
        Assert.False(clean);
        Assert.Equal("client local", same);
        Assert.Equal(RedactionMode.Drop, redactor.Mode);
    }

    [Fact]
    public void Every_match_is_counted_per_kind_and_custom_patterns_are_custom_kinds()
    {
        var redactor = Redactor.Create(new RedactionRules
        {
            Presets = ["email", "ipv4"],
            Patterns = [new CustomPattern("employee_id", "EMP-[0-9]{6}")],
        }, null);
        var counters = new ProcessingCounters();

        string result = redactor.Redact("EMP-123456 a@b.io c@d.io from 10.0.0.1", counters);

        Assert.Equal("[REDACTED:custom:employee_id] [REDACTED:email] [REDACTED:email] from [REDACTED:ipv4]", result);
        Assert.Equal(2, counters.Redactions["email"]);
        Assert.Equal(1, counters.Redactions["ipv4"]);
        Assert.Equal(1, counters.Redactions["custom:employee_id"]);
    }

    [Fact]
    public void Overlapping_matches_take_the_earliest_then_the_longest_and_replacements_are_not_scanned_again()
    {
        var redactor = Redactor.Create(new RedactionRules
        {
            Presets = ["ipv4", "ipv6", "basic_auth", "email", "jwt", "bearer_token"],
            Patterns = [new CustomPattern("redacted", "REDACTED"), new CustomPattern("long", "10\\.0\\.0\\.1:80")],
        }, null);

        Assert.Equal("[REDACTED:ipv6]", redactor.RedactText("::ffff:10.0.0.1"));           // the IPv4 inside is part of the longer IPv6
        Assert.Equal("[REDACTED:custom:long]", redactor.RedactText("10.0.0.1:80"));          // longer than the ipv4 at the same start
        Assert.Equal("db://[REDACTED:basic_auth]@h.io", redactor.RedactText("db://u:pw@h.io")); // earlier than the email "pw@h.io"
        Assert.Equal("Bearer [REDACTED:jwt]", redactor.RedactText("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.c2ln")); // a tie goes to the preset order
    }

    [Fact]
    public void Attribute_selection_and_message_flag_are_exposed()
    {
        var all = Redactor.Create(new RedactionRules { Presets = ["email"] }, null);
        var some = Redactor.Create(new RedactionRules { Presets = ["email"], Attributes = ["user"], Message = false }, null);

        Assert.True(all.RedactsAttribute("anything"));
        Assert.True(all.RedactsMessage);
        Assert.True(some.RedactsAttribute("user"));
        Assert.False(some.RedactsAttribute("User"));
        Assert.False(some.RedactsMessage);
    }

    [Fact]
    public void No_rules_change_nothing()
    {
        var redactor = Redactor.Create(new RedactionRules(), null);
        const string text = "bob@example.com 10.0.0.1";

        Assert.Same(text, redactor.Redact(text, new ProcessingCounters()));
    }
}
