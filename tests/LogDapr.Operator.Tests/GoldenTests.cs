using LogDapr.Operator.Cli;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Each sample renders to its checked-in expected manifests (Golden/&lt;sample&gt;.yaml) through the same code path
/// as `logdapr-operator render -f`. On a difference the failure shows a unified diff; LOGDAPR_UPDATE_GOLDEN=1
/// rewrites the expected files.
/// </summary>
public sealed class GoldenTests
{
    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task Sample_renders_to_the_checked_in_manifests(string sample)
    {
        var samplePath = Path.Combine(RepoPaths.SamplesDirectory, sample);
        var goldenPath = Path.Combine(RepoPaths.GoldenDirectory, sample);

        // The CLI itself, exactly as a user or CI would run it.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["render", "-f", samplePath], stdout, stderr);
        Assert.True(exit == 0, $"render failed: {stderr}");
        var actual = stdout.ToString();

        // And the library call the controller uses produces the same text.
        Assert.Equal(CommandLine.RenderYaml(LogPipelineDocuments.Parse(File.ReadAllText(samplePath)), RenderOptions.Default), actual);

        if (RepoPaths.UpdateGolden)
        {
            Directory.CreateDirectory(RepoPaths.GoldenDirectory);
            await File.WriteAllTextAsync(goldenPath, actual);
            return;
        }
        Assert.True(File.Exists(goldenPath), $"missing {goldenPath}; run the tests with LOGDAPR_UPDATE_GOLDEN=1 to create it");
        var expected = await File.ReadAllTextAsync(goldenPath);
        if (expected != actual)
        {
            Assert.Fail($"rendering of {sample} changed (LOGDAPR_UPDATE_GOLDEN=1 accepts the change):\n" + TextDiff.Unified(expected, actual, "Golden/" + sample, "render -f " + sample));
        }
    }

    [Fact]
    public void Every_golden_file_has_a_sample()
    {
        var samples = Samples.Files.Select(Path.GetFileName).ToHashSet();
        foreach (var golden in Directory.GetFiles(RepoPaths.GoldenDirectory, "*.yaml"))
        {
            Assert.Contains(Path.GetFileName(golden), samples);
        }
    }

    [Fact]
    public void A_rendering_change_shows_as_a_readable_diff()
    {
        var diff = TextDiff.Unified("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 20\nc: 3\n");
        Assert.Contains("-b: 2", diff, StringComparison.Ordinal);
        Assert.Contains("+b: 20", diff, StringComparison.Ordinal);
        Assert.Contains(" a: 1", diff, StringComparison.Ordinal);
    }

    public static TheoryData<string> SampleNames() => Samples.Names();
}
