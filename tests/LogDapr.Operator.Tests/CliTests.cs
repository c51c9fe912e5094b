using LogDapr.Operator.Cli;
using LogDapr.Operator.Entities.CrdSchema;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

public sealed class CliTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(string[] args, string? stdin = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, stdin is null ? null : new StringReader(stdin));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Render_reads_standard_input_and_defaults_the_namespace()
    {
        var yaml = Samples.Minimal.Replace("namespace: team}", "}", StringComparison.Ordinal);
        var (exit, output, _) = await Run(["render", "-f", "-", "-n", "elsewhere"], yaml);
        Assert.Equal(0, exit);
        Assert.Contains("namespace: elsewhere", output, StringComparison.Ordinal);
        Assert.Contains("name: demo-aggregator", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_overrides_the_default_images()
    {
        var (exit, output, _) = await Run(["render", "-f", "-", "--ingest-image", "registry.local/ingest:dev"], Samples.Minimal);
        Assert.Equal(0, exit);
        Assert.Contains("image: registry.local/ingest:dev", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_explains_an_unknown_field()
    {
        var yaml = Samples.Minimal.Replace("      host: redis:6379", "      hostname: redis:6379", StringComparison.Ordinal);
        var (exit, _, error) = await Run(["render", "-f", "-"], yaml);
        Assert.Equal(1, exit);
        Assert.Contains("LogPipeline demo", error, StringComparison.Ordinal);
        Assert.Contains("hostname", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_refuses_a_pipeline_whose_objects_the_API_server_would_refuse()
    {
        var (exit, output, error) = await Run(["render", "-f", "-"], Samples.Minimal.Replace("name: demo,", "name: 1logs,", StringComparison.Ordinal));
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: LogPipeline 1logs: the API server would refuse what it renders: Service \"1logs-ingest\": metadata.name: Invalid value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_without_a_pipeline_fails()
    {
        var (exit, _, error) = await Run(["render", "-f", "-"], "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n");
        Assert.Equal(1, exit);
        Assert.Contains("no LogPipeline", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crd_prints_the_generated_definition()
    {
        var (exit, output, _) = await Run(["crd"]);
        Assert.Equal(0, exit);
        Assert.Equal(CrdGenerator.GenerateYaml(), output);
    }

    [Fact]
    public async Task Unknown_commands_print_usage()
    {
        var (exit, _, error) = await Run(["deploy"]);
        Assert.Equal(2, exit);
        Assert.Contains("Usage: logdapr-operator", error, StringComparison.Ordinal);
    }
}
