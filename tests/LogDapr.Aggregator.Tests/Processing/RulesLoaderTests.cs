using System.Text;
using LogDapr.Aggregator.Processing.Rules;
using LogDapr.Contracts.Events;
using LogDapr.Processing;

namespace LogDapr.Aggregator.Tests.Processing;

/// <summary>A rules document becomes one whole rule set, or one precise refusal.</summary>
public class RulesLoaderTests
{
    private const string Message = """
        {"specversion":"1.0","id":"m1","source":"s","type":"t","datacontenttype":"application/json",
         "data":{"events":[{"tenant_id":"acme","component":"billing","loglevel":"ERROR","message":"m"}]}}
        """;

    [Fact]
    public void The_pipeline_s_own_aliases_apply_when_the_processor_reads_a_message()
    {
        var (rules, error) = RulesLoader.Compile("mapping:\n  fields: { severity: [loglevel], service: [component] }\n", ProcessingSecrets.None);

        Assert.Null(error);
        var decoded = Assert.Single(rules!.Decoder.Decode(Encoding.UTF8.GetBytes(Message), DateTimeOffset.UtcNow)!.Messages);
        var logEvent = Assert.Single(decoded.Events!);
        Assert.Equal(Severity.Error, logEvent.Severity);
        Assert.Equal("billing", logEvent.Service);
    }

    [Fact]
    public void Without_the_alias_the_same_message_is_poison()
    {
        var (rules, _) = RulesLoader.Compile("transforms: []\n", ProcessingSecrets.None);

        var decoded = Assert.Single(rules!.Decoder.Decode(Encoding.UTF8.GetBytes(Message), DateTimeOffset.UtcNow)!.Messages);
        Assert.True(decoded.IsPoison);
    }

    [Theory]
    [InlineData("transforms:\n  - sample: { rate: 3 }\n", "transforms[0].sample.rate")]
    [InlineData("transforms:\n  - drop: true\n    when: 'sevrity == debug'\n", "transforms[0].when")]
    [InlineData("redaction:\n  mode: hash\n  patterns: [{ name: x, regex: 'a+' }]\n", "hash")]
    [InlineData("redaction:\n  patterns: [{ name: x, regex: '(a)\\1' }]\n", "redaction.patterns[0].regex")]
    [InlineData("redaction:\n  presets: [email, passport]\n", "redaction.presets[1]")]
    public void An_invalid_document_is_refused_whole_with_a_precise_message(string text, string expected)
    {
        var (rules, error) = RulesLoader.Compile(text, ProcessingSecrets.None);

        Assert.Null(rules);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
