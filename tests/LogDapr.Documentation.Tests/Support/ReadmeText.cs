using System.Text.RegularExpressions;
using LogDapr.TestSupport;

namespace LogDapr.Documentation.Tests.Support;

/// <summary>The repository README, read by section, for the tests that hold it to what the code does.</summary>
internal static partial class ReadmeText
{
    public static string All { get; } = File.ReadAllText(Repository.Path("README.md"));

    /// <summary>The text under a level-2 heading, up to the next level-2 heading.</summary>
    public static string Section(string heading)
    {
        var start = All.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '## {heading}' section");
        var end = All.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? All[start..] : All[start..end];
    }

    /// <summary>Every `code span` of a text.</summary>
    public static IReadOnlyList<string> CodeSpans(string text) => [.. CodeSpan().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("`([^`\\n]+)`")]
    private static partial Regex CodeSpan();
}
