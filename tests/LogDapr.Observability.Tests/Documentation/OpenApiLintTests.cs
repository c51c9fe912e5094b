using LogDapr.Observability.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Observability.Tests.Documentation;

/// <summary>
/// The OpenAPI documents the services serve, checked by a real linter (Redocly CLI, recommended rules as errors):
/// what client generators and API portals read must declare its parameters, bodies, errors and security.
/// </summary>
[Collection(ObservedPipelineCollection.Name)]
public sealed class OpenApiLintTests(ObservedPipeline observed)
{
    [Theory]
    [InlineData("ingest")]
    [InlineData("aggregator")]
    public async Task The_served_OpenAPI_document_passes_the_linter_without_errors_or_warnings(string service)
    {
        var baseUrl = service == "ingest" ? observed.Pipeline.IngestUrl : observed.Pipeline.AggregatorUrl;
        using var http = new HttpClient { BaseAddress = baseUrl };
        var document = Path.Combine(Path.GetTempPath(), $"logdapr-openapi-{service}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await http.GetStringAsync("/openapi/v1.json"));
        try
        {
            var config = Path.Combine(AppContext.BaseDirectory, "Documentation", "redocly.yaml");
            var (exit, output) = ExternalTools.Run(ExternalTools.Redocly, "lint", "--config", config, "--format", "stylish", document);
            Assert.True(exit == 0 && !output.Contains(" warning ", StringComparison.Ordinal), $"redocly lint of the {service} document:\n{output}");
        }
        finally
        {
            File.Delete(document);
        }
    }
}
