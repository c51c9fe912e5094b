using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Tests.Support;

internal static class RuleText
{
    public static ProcessingRules Parse(string text)
    {
        var result = RulesParser.Parse(text);
        Assert.True(result.Errors.Count == 0, "unexpected errors: " + string.Join("; ", result.Errors));
        return result.Rules!;
    }

    public static RuleError SingleError(string text)
    {
        var result = RulesParser.Parse(text);
        Assert.Null(result.Rules);
        return Assert.Single(result.Errors);
    }
}
