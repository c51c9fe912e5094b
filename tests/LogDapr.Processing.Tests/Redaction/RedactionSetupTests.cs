using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Tests.Redaction;

public class RedactionSetupTests
{
    private static RuleError Single(RedactionRules rules) => Assert.Single(RedactionSetup.Validate(rules, "redaction"));

    [Fact]
    public void Every_preset_and_a_good_pattern_validate()
    {
        var rules = new RedactionRules { Presets = RedactionPresets.All, Patterns = [new CustomPattern("employee_id", "EMP-[0-9]{6}")], Mode = RedactionMode.Hash };

        Assert.Empty(RedactionSetup.Validate(rules, "redaction"));
    }

    [Fact]
    public void Unknown_empty_and_repeated_presets_are_errors()
    {
        var errors = RedactionSetup.Validate(new RedactionRules { Presets = ["email", "mail", "", "email"] }, "spec.processing.redaction").ToList();

        Assert.Equal(
            [
                new RuleError("spec.processing.redaction.presets[1]", "unknown preset 'mail'; the presets are aws_access_key, basic_auth, bearer_token, credit_card, email, iban, ipv4, ipv6, jwt, phone"),
                new RuleError("spec.processing.redaction.presets[2]", "a preset name must not be empty"),
                new RuleError("spec.processing.redaction.presets[3]", "preset 'email' is listed twice"),
            ],
            errors);
    }

    [Theory]
    [InlineData("", "a pattern needs a name")]
    [InlineData("Employee", "'Employee' is not a pattern name: use 1 to 64 characters of a-z, 0-9 and _")]
    [InlineData("has-dash", "'has-dash' is not a pattern name: use 1 to 64 characters of a-z, 0-9 and _")]
    public void Bad_pattern_names_are_errors(string name, string message) =>
        Assert.Equal(new RuleError("redaction.patterns[0].name", message), Single(new RedactionRules { Patterns = [new CustomPattern(name, "x")] }));

    [Fact]
    public void A_name_of_65_characters_and_a_repeated_name_are_errors()
    {
        Assert.Equal("redaction.patterns[0].name", Single(new RedactionRules { Patterns = [new CustomPattern(new string('a', 65), "x")] }).Path);
        Assert.Empty(RedactionSetup.Validate(new RedactionRules { Patterns = [new CustomPattern(new string('a', 64), "x")] }, "redaction"));
        Assert.Equal(
            new RuleError("redaction.patterns[1].name", "pattern name 'a' is used twice"),
            Single(new RedactionRules { Patterns = [new CustomPattern("a", "x"), new CustomPattern("a", "y")] }));
    }

    [Theory]
    [InlineData("", "a pattern needs a regex")]
    [InlineData("(a", "not a valid regular expression:")]
    [InlineData("(a)\\1", "the regex uses a construct the non-backtracking engine does not support")]
    [InlineData("a(?=b)", "the regex uses a construct the non-backtracking engine does not support")]
    [InlineData("(?>ab)", "the regex uses a construct the non-backtracking engine does not support")]
    [InlineData("a*", "the regex matches the empty text")]
    public void Bad_regexes_are_errors_naming_the_problem(string regex, string start)
    {
        var error = Single(new RedactionRules { Patterns = [new CustomPattern("p", regex)] });

        Assert.Equal("redaction.patterns[0].regex", error.Path);
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regex_longer_than_1024_characters_is_an_error_and_1024_is_fine()
    {
        Assert.Empty(RedactionSetup.Validate(new RedactionRules { Patterns = [new CustomPattern("p", new string('a', 1024))] }, "redaction"));
        Assert.Equal(
            new RuleError("redaction.patterns[0].regex", "the regex is 1025 characters long; the limit is 1024"),
            Single(new RedactionRules { Patterns = [new CustomPattern("p", new string('a', 1025))] }));
    }

    [Fact]
    public void Empty_attribute_keys_are_errors()
    {
        var errors = RedactionSetup.Validate(new RedactionRules { Attributes = ["a", ""], AllowAttributes = [""] }, "redaction").ToList();

        Assert.Equal(
            [
                new RuleError("redaction.attributes[1]", "an attribute key must not be empty"),
                new RuleError("redaction.allowAttributes[0]", "an attribute key must not be empty"),
            ],
            errors);
    }
}
