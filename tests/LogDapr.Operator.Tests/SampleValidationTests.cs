using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.CrdValidation;

namespace LogDapr.Operator.Tests;

/// <summary>Samples against the CRD schema (structural checks and the CEL rules, both read from manifests/crds).</summary>
public sealed class SampleValidationTests
{
    private static readonly StructuralSchemaValidator Validator =
        StructuralSchemaValidator.FromCrd(YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject());

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Sample_is_valid_and_ships_the_secrets_it_references(string sample)
    {
        var docs = Samples.Documents(Path.Combine(RepoPaths.SamplesDirectory, sample)).ToList();
        var pipelines = docs.Where(LogPipelineDocuments.IsLogPipeline).ToList();
        Assert.NotEmpty(pipelines);
        var secrets = docs.Where(d => d["kind"]?.GetValue<string>() == "Secret")
            .ToDictionary(d => d.Name(), d => d["stringData"] as JsonObject ?? d["data"] as JsonObject ?? []);
        foreach (var pipeline in pipelines)
        {
            var (_, errors) = Validator.Validate(pipeline);
            Assert.True(errors.Count == 0, $"{sample}: " + string.Join("\n", errors));
            foreach (var reference in PipelineRenderer.Render(LogPipelineDocuments.FromJson(pipeline)).SecretReferences)
            {
                Assert.True(secrets.ContainsKey(reference.SecretName), $"{sample}: Secret {reference.SecretName} ({reference.FieldPath}) is not in the file");
                if (reference.Key is { } key)
                {
                    Assert.True(secrets[reference.SecretName].ContainsKey(key), $"{sample}: Secret {reference.SecretName} has no key {key}");
                }
            }
        }
    }

    [Fact]
    public void There_is_one_sample_per_broker()
    {
        var brokers = Samples.Files
            .SelectMany(Samples.Documents)
            .Where(LogPipelineDocuments.IsLogPipeline)
            .Select(d => d["spec"]!["pubsub"]!["type"]!.GetValue<string>())
            .ToHashSet();
        Assert.Equal(new HashSet<string> { "redis", "kafka", "jetstream" }, brokers);
    }

    /// <summary>Each file in InvalidSamples/ starts with "# expect: TEXT" lines; every TEXT must be among the errors.</summary>
    [Theory]
    [MemberData(nameof(InvalidSampleNames))]
    public void Invalid_sample_is_rejected_with_the_right_message(string sample)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.InvalidSamplesDirectory, sample));
        var expectations = text.Split('\n')
            .Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(l => l["# expect: ".Length..].Trim())
            .ToList();
        Assert.NotEmpty(expectations);
        var pipeline = YamlDocuments.Parse(text).OfType<JsonObject>().Single(LogPipelineDocuments.IsLogPipeline);
        var (_, errors) = Validator.Validate(pipeline);
        var all = string.Join("\n", errors);
        foreach (var expected in expectations)
        {
            Assert.True(all.Contains(expected, StringComparison.Ordinal), $"{sample}: expected an error containing\n  {expected}\nbut got\n  {all.Replace("\n", "\n  ", StringComparison.Ordinal)}");
        }
    }

    public static TheoryData<string> SampleNames() => Samples.Names();

    public static TheoryData<string> InvalidSampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.InvalidSamplesDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }
}
