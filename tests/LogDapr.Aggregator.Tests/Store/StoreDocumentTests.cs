using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>What the store role serves besides answers: its OpenAPI document, and its refusal to start without a cursor key.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreDocumentTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_store_openapi_document_describes_search_context_one_event_and_tail_and_passes_the_linter()
    {
        await using var host = await StoreHost.StartAsync(postgres, "storeopenapi");
        var (status, document, text) = await host.GetAsync("/openapi/v1.json", null);
        Assert.Equal(200, status);

        var search = document!["paths"]!["/v1/logs"]!["get"]!;
        var parameters = search["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "tenant", "from", "to", "service", "severity", "min_severity", "host", "q", "trace_id", "limit", "cursor" }, parameters);
        Assert.Contains("attr.<key>", search["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(search["responses"]!["400"]);
        Assert.NotNull(document["paths"]!["/v1/logs/{id}"]!["get"]!["responses"]!["404"]);
        Assert.NotNull(document["paths"]!["/v1/logs/context"]!["get"]!["responses"]!["404"]);
        var tail = document["paths"]!["/v1/logs/tail"]!["get"]!;
        Assert.NotNull(tail["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.NotNull(tail["responses"]!["429"]);

        var file = Path.Combine(Path.GetTempPath(), $"logdapr-openapi-store-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var config = Repository.Path("tests", "LogDapr.Observability.Tests", "Documentation", "redocly.yaml");
            var (exit, output) = ExternalTools.Run(ExternalTools.Redocly, "lint", "--config", config, "--format", "stylish", file);
            Assert.True(exit == 0 && !output.Contains(" warning ", StringComparison.Ordinal), $"redocly lint of the store document:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Outside_development_the_store_role_does_not_start_without_a_cursor_key()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(Environments.Production);
            b.UseSetting("Aggregator:Role", "Store");
            b.UseSetting("Postgres:ConnectionString", $"Host=127.0.0.1;Port={FreePorts.Next()};Username=x;Password=x;Timeout=1");
            b.UseSetting("Auth:Enabled", "false");
            b.UseSetting("DAPR_GRPC_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
            b.UseSetting("DAPR_HTTP_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException;
        Assert.True(validation is not null, failure.ToString());
        Assert.Contains("Store:CursorKey", validation.Message, StringComparison.Ordinal);
    }
}
