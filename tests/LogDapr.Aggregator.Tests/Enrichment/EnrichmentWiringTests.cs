using System.Text.Json.Nodes;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>What a role gets from the enrichment registrations, and what the counter's API document says.</summary>
public sealed class EnrichmentWiringTests
{
    [Fact]
    public async Task AddEnrichmentLookup_gives_a_role_the_tiered_lookup()
    {
        await using var app = new AggregatorApp(new Dictionary<string, string?>(), services: s => s.AddEnrichmentLookup());

        Assert.IsType<TieredMetadataLookup>(app.Services.GetRequiredService<IMetadataLookup>());
    }

    [Fact]
    public async Task The_counter_documents_the_metadata_endpoints_for_admins()
    {
        await using var app = new AggregatorApp(new Dictionary<string, string?>());
        using var client = app.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        Assert.Equal(["delete", "get", "put"], paths["/v1/metadata/{kind}/{name}"]!.AsObject().Select(p => p.Key).Order());
        Assert.NotNull(paths["/v1/metadata/{kind}"]!["get"]);
        var put = paths["/v1/metadata/{kind}/{name}"]!["put"]!;
        Assert.Contains("201", put["responses"]!.AsObject().Select(r => r.Key));
        Assert.NotNull(put["requestBody"]);
    }
}
