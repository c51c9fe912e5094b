using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.OpenApi;

/// <summary>What a client generator reads from GET /openapi/v1.json: how to authenticate, what to send, what can come back.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown();

    public void Dispose() => factory.Dispose();

    private async Task<JsonNode> DocumentAsync() => JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;

    [Fact]
    public async Task Both_ways_to_present_an_api_key_are_declared_and_required_by_the_ingest_operation()
    {
        var document = await DocumentAsync();

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        var apiKey = schemes.Select(s => s.Value!).Single(s => s["type"]!.GetValue<string>() == "apiKey");
        Assert.Equal("header", apiKey["in"]!.GetValue<string>());
        Assert.Equal("X-API-Key", apiKey["name"]!.GetValue<string>());
        var bearer = schemes.Select(s => s.Value!).Single(s => s["type"]!.GetValue<string>() == "http");
        Assert.Equal("bearer", bearer["scheme"]!.GetValue<string>());

        var security = document["paths"]!["/v1/logs"]!["post"]!["security"]!.AsArray();
        var alternatives = security.Select(r => r!.AsObject().Single().Key).Order();
        Assert.Equal(schemes.Select(s => s.Key).Order(), alternatives);
    }

    [Fact]
    public async Task Every_accepted_media_type_and_the_408_answer_are_documented()
    {
        var operation = (await DocumentAsync())["paths"]!["/v1/logs"]!["post"]!;

        var types = operation["requestBody"]!["content"]!.AsObject().Select(c => c.Key);
        Assert.Equal(["application/json", "application/json-lines", "application/jsonl", "application/x-ndjson"], types.Order());
        var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
        Assert.Contains("408", responses);
        Assert.Contains("415", responses);
        Assert.Contains("503", responses);
    }
}
