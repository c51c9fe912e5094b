using System.Reflection;
using LogDapr.Aggregator.Query;
using LogDapr.Contracts.Events;
using LogDapr.Documentation.Tests.Support;
using LogDapr.Ingest.Ingestion;
using LogDapr.ServiceDefaults.Problems;

namespace LogDapr.Documentation.Tests;

/// <summary>The README's lists of accepted values against the code that accepts them.</summary>
public sealed class ApiVocabularyTests
{
    [Fact]
    public void Every_accepted_severity_spelling_is_documented_in_the_field_table()
    {
        var row = ReadmeText.Section("Sending logs").Split('\n').Single(l => l.StartsWith("| `severity`", StringComparison.Ordinal));
        var documented = ReadmeText.CodeSpans(row).SelectMany(s => s.Split('/')).ToHashSet(StringComparer.Ordinal);
        Assert.All(SeverityNames.Keywords, k => Assert.True(documented.Contains(k), $"severity '{k}' is accepted but not in the README's field table"));
    }

    [Fact]
    public void Every_accepted_media_type_is_documented()
    {
        var spans = ReadmeText.CodeSpans(ReadmeText.Section("Sending logs"));
        Assert.All(PayloadFormats.Accepted, m => Assert.True(spans.Any(s => s.EndsWith(m, StringComparison.Ordinal)), $"media type {m} is accepted but not documented"));
    }

    [Fact]
    public void The_documented_problem_types_are_exactly_the_ones_the_services_answer_with()
    {
        var code = typeof(ProblemTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => ((string)f.GetRawConstantValue()!)["https://logdapr.io/problems/".Length..])
            .ToHashSet(StringComparer.Ordinal);
        var paragraph = ReadmeText.All[ReadmeText.All.IndexOf("Problem `type`s are stable URIs", StringComparison.Ordinal)..];
        paragraph = paragraph[paragraph.IndexOf('(', StringComparison.Ordinal)..paragraph.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = ReadmeText.CodeSpans(paragraph).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(code.Order(), documented.Order());
    }

    [Fact]
    public void Every_documented_step_is_accepted_by_the_metrics_query()
    {
        var line = ReadmeText.Section("Querying").Split('\n').Single(l => l.Contains("`step` is", StringComparison.Ordinal));
        var steps = ReadmeText.CodeSpans(line[line.IndexOf("`step` is", StringComparison.Ordinal)..]).Skip(1).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.True(DurationText.TryParse(s, out var step) && step.Ticks % TimeSpan.FromMinutes(1).Ticks == 0,
            $"README documents step '{s}', which the metrics query does not accept"));
    }
}
