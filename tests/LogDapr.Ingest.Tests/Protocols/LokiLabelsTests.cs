using System.Text;
using CsCheck;
using LogDapr.Ingest.Protocols.Loki;

namespace LogDapr.Ingest.Tests.Protocols;

public sealed class LokiLabelsTests
{
    private static List<KeyValuePair<string, string>> Parse(string text)
    {
        var labels = new List<KeyValuePair<string, string>>();
        Assert.True(LokiLabels.TryParse(text, labels, out var error), error);
        return labels;
    }

    private static string Error(string text)
    {
        var labels = new List<KeyValuePair<string, string>>();
        Assert.False(LokiLabels.TryParse(text, labels, out var error));
        return error!;
    }

    [Theory]
    // Promtail and Alloy send {a="b", c="d"}; winston-loki sends {a="b",c="d"}.
    [InlineData("""{app="api", level="error"}""", "app=api|level=error")]
    [InlineData("""{app="api",level="error"}""", "app=api|level=error")]
    [InlineData(""" { app = "api" , } """, "app=api")]
    [InlineData("{}", "")]
    [InlineData("""{job="a\"b\\c\nd\te"}""", "job=a\"b\\c\nd\te")]
    [InlineData("""{job='it\'s'}""", "job=it's")]
    [InlineData("{job=`raw\\n`}", "job=raw\\n")]
    [InlineData("""{job="\x41\101\u00e9\U0001F600"}""", "job=AAé😀")]
    [InlineData("""{job="\xc3\xa9"}""", "job=é")]
    [InlineData("""{_x1="v", empty=""}""", "_x1=v")]
    public void The_text_form_parses_as_lokis_parser_reads_it(string text, string expected)
    {
        Assert.Equal(expected, string.Join("|", Parse(text).Select(l => $"{l.Key}={l.Value}")));
    }

    [Theory]
    [InlineData("", "expected '{'")]
    [InlineData("app=\"api\"", "expected '{'")]
    [InlineData("{app=\"api\"", "expected '}' at position 10")]
    [InlineData("{app=api}", "expected a quoted value")]
    [InlineData("{1app=\"x\"}", "expected a label name")]
    [InlineData("{service.name=\"x\"}", "expected '='")]
    [InlineData("{app=\"x\" job=\"y\"}", "expected ',' or '}'")]
    [InlineData("{app=\"x\",,}", "expected a label name")]
    [InlineData("{app=\"x\"} trailing", "unexpected text")]
    [InlineData("{app=\"unterminated}", "expected a quoted value")]
    [InlineData("{app=\"bad \\q escape\"}", "expected a quoted value")]
    [InlineData("{app=\"\\xff\"}", "expected a quoted value")]
    [InlineData("{app=\"\\u12\"}", "expected a quoted value")]
    [InlineData("{app=\"\\777\"}", "expected a quoted value")]
    [InlineData("{app=\"new\nline\"}", "expected a quoted value")]
    [InlineData("{app=\"a\", app=\"b\"}", "duplicate label name app")]
    public void Text_that_lokis_parser_refuses_is_refused_with_the_reason(string text, string reason)
    {
        Assert.Contains(reason, Error(text), StringComparison.Ordinal);
    }

    [Fact]
    public void More_labels_than_the_bound_are_refused()
    {
        var text = "{" + string.Join(",", Enumerable.Range(0, LokiLabels.MaxLabels + 1).Select(i => $"l{i}=\"v\"")) + "}";

        Assert.Contains($"more than {LokiLabels.MaxLabels} labels", Error(text), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_form_follows_the_same_name_rules()
    {
        var labels = new List<KeyValuePair<string, string>>();

        Assert.True(LokiLabels.TryAdd(labels, "app", "api", out _));
        Assert.False(LokiLabels.TryAdd(labels, "app", "again", out var duplicate));
        Assert.False(LokiLabels.TryAdd(labels, "service.name", "x", out var invalid));
        Assert.Contains("duplicate", duplicate, StringComparison.Ordinal);
        Assert.Contains("invalid label name", invalid, StringComparison.Ordinal);
    }

    private static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            text.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                < 0x20 => $"\\x{rune.Value:x2}",
                > 0xffff => $"\\U{rune.Value:x8}",
                > 0x7e and < 0x100 => $"\\u{rune.Value:x4}",
                _ => rune.ToString(),
            });
        }

        return text.ToString();
    }

    [Fact]
    public void Any_label_set_written_with_escapes_parses_back_to_itself()
    {
        var name = Gen.Select(Gen.Char["abcXYZ_"], Gen.String[Gen.Char["abz_09"], 0, 8], (first, rest) => first + rest);
        var value = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 1, 20];
        Gen.Dictionary(name, value)[0, 10].Sample(set =>
        {
            var text = "{" + string.Join(", ", set.Select(l => $"{l.Key}=\"{Escape(l.Value)}\"")) + "}";

            Assert.Equal(set.OrderBy(l => l.Key, StringComparer.Ordinal), Parse(text).OrderBy(l => l.Key, StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Random_text_never_throws_and_fails_with_a_reason()
    {
        var labels = new List<KeyValuePair<string, string>>();
        Gen.OneOf(Gen.String, Gen.String[Gen.Char["{}=\",'`\\ xuU01abz_\n"], 0, 60]).Sample(text =>
        {
            var ok = LokiLabels.TryParse(text, labels, out var error);
            Assert.True(ok ^ error is not null);
        });
    }
}
