using LogDapr.Operator.Cli;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>spec.*.image is limited to the operator's default repositories and --allowed-image-prefixes.</summary>
public sealed class ImagePolicyTests
{
    private const string Base = "  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\"}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    private static RenderResult RenderWithIngestImage(string image, params string[] allowed) =>
        PipelineRenderer.Render(
            LogPipelineDocuments.Parse(Rendered.Pipeline(Base + $"  ingest:\n    image: \"{image}\"\n")).Single(),
            RenderOptions.Default with { AllowedImagePrefixes = allowed });

    [Theory]
    [InlineData("ghcr.io/logdapr/ingest:1.2.3-custom")]
    [InlineData("ghcr.io/logdapr/ingest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("ghcr.io/logdapr/ingest")]
    [InlineData("ghcr.io/logdapr/aggregator:9.9.9")]
    public void The_default_repositories_are_allowed_with_any_tag_or_digest(string image)
    {
        var deployment = Rendered.Find(RenderWithIngestImage(image), KnownResources.Deployments, "p-ingest");
        Assert.Equal(image, deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("docker.io/someone/miner:latest")]
    [InlineData("ghcr.io/logdapr/ingest-evil:1")]
    [InlineData("ghcr.io/logdapr/other:1")]
    public void Any_other_image_is_refused_by_default(string image)
    {
        var e = Assert.Throws<InvalidPipelineException>(() => RenderWithIngestImage(image));
        Assert.Equal(PipelineConditions.Reasons.ImageNotAllowed, e.Reason);
        Assert.Contains($"spec.ingest.image \"{image}\" is not allowed by this operator", e.Message, StringComparison.Ordinal);
        Assert.Contains("ghcr.io/logdapr/ingest, ghcr.io/logdapr/aggregator", e.Message, StringComparison.Ordinal);
        Assert.Contains("--allowed-image-prefixes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_prefixes_and_repositories_widen_the_list_and_nothing_more()
    {
        string[] allowed = ["registry.corp/logging/", "ghcr.io/acme/ingest"];
        RenderWithIngestImage("registry.corp/logging/ingest:2", allowed);
        RenderWithIngestImage("ghcr.io/acme/ingest:2", allowed);
        Assert.Throws<InvalidPipelineException>(() => RenderWithIngestImage("registry.corp/logging-evil/ingest:2", allowed));
        Assert.Throws<InvalidPipelineException>(() => RenderWithIngestImage("registry.corp.evil.io/logging/ingest:2", allowed));
        Assert.Throws<InvalidPipelineException>(() => RenderWithIngestImage("ghcr.io/acme/ingestor:2", allowed));
        RenderWithIngestImage("anything.example/at/all:1", ImagePolicy.AllowAny);
    }

    [Fact]
    public void The_default_images_follow_the_operators_own_flags()
    {
        var options = RenderOptions.Default with { IngestImage = "registry.local/logdapr/ingest:dev", AggregatorImage = "registry.local/logdapr/aggregator:dev" };
        var pipeline = LogPipelineDocuments.Parse(Rendered.Pipeline(Base + "  aggregator:\n    image: registry.local/logdapr/aggregator:other\n")).Single();
        PipelineRenderer.Render(pipeline, options);
        var refused = LogPipelineDocuments.Parse(Rendered.Pipeline(Base + "  aggregator:\n    image: ghcr.io/logdapr/aggregator:1\n")).Single();
        var e = Assert.Throws<InvalidPipelineException>(() => PipelineRenderer.Render(refused, options));
        Assert.Contains("spec.aggregator.image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_takes_the_flag_and_refuses_without_it()
    {
        var yaml = Samples.Minimal + "\n  ingest:\n    image: registry.corp/ingest:1\n";
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(1, await CommandLine.RunAsync(["render", "-f", "-"], stdout, stderr, new StringReader(yaml)));
        Assert.Contains("spec.ingest.image \"registry.corp/ingest:1\" is not allowed", stderr.ToString(), StringComparison.Ordinal);

        using var allowedOut = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["render", "-f", "-", "--allowed-image-prefixes", "registry.corp/"], allowedOut, new StringWriter(), new StringReader(yaml)));
        Assert.Contains("image: registry.corp/ingest:1", allowedOut.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pipeline_naming_another_image_gets_ImageNotAllowed_and_nothing_is_applied()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  ingest:\n    image: docker.io/someone/miner:latest\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.ImageNotAllowed);
        Assert.Equal("True", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Degraded));
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
    }
}
