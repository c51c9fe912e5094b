using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>The payloads real shippers send (seeds 003 and 004), through POST /v1/logs with auth off.</summary>
public sealed class FieldMappingApiTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>
{
    private const string Seed003 =
        """{"id":"evt-1","tenant_id":"tenant-1","timestamp":"2024-01-15T10:30:00Z","severity":"INFO","source":"api-gateway","message":"Request processed successfully"}""";

    private const string Seed004 =
        """{"level":"ERROR","message":"Payment processing failed","service":"payment-service","source_ip":"192.168.1.100"}""";

    private static string Recent(string seed) =>
        seed.Replace("2024-01-15T10:30:00Z", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string body, IReadOnlyDictionary<string, string>? settings = null)
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, settings);
        using var response = await factory.CreateClient().PostAsync("/v1/logs", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static JsonNode FirstError(JsonNode body) => body["rejected"]![0]!["errors"]![0]!;

    [Fact]
    public async Task Seed_003_with_source_for_service_is_published_single_and_batched()
    {
        var before = await sidecar.PublishedAsync("logs");

        var single = await PostAsync(Recent(Seed003));
        var batch = await PostAsync("{\"events\":[" + Recent(Seed003) + "," + Recent(Seed003).Replace("evt-1", "evt-2", StringComparison.Ordinal) + "]}");

        Assert.Equal(HttpStatusCode.Accepted, single.Status);
        Assert.Equal(1, single.Body!["accepted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Accepted, batch.Status);
        Assert.Equal(2, batch.Body!["accepted"]!.GetValue<int>());
        Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Seed_003_as_written_is_older_than_the_past_age_limit_and_refused_naming_the_setting()
    {
        var (status, body) = await PostAsync(Seed003);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = FirstError(body!);
        Assert.Equal("timestamp", error["field"]!.GetValue<string>());
        Assert.Contains("(Ingest:MaxPastAge)", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_003_as_written_is_accepted_when_the_operator_widens_the_past_age_limit()
    {
        var (status, body) = await PostAsync(Seed003, new Dictionary<string, string> { ["Ingest:MaxPastAge"] = "3650.00:00:00" });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_auth_an_event_without_tenant_id_is_refused_naming_the_field()
    {
        var (status, body) = await PostAsync(Seed004);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("https://logdapr.io/problems/invalid-events", body!["type"]!.GetValue<string>());
        var error = FirstError(body);
        Assert.Equal("tenant_id", error["field"]!.GetValue<string>());
        Assert.Equal("tenant_id is required", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_auth_the_configured_default_tenant_fills_in_a_missing_tenant_id()
    {
        var before = await sidecar.PublishedAsync("logs");

        var (status, body) = await PostAsync(Seed004, new Dictionary<string, string> { ["Ingest:DefaultTenant"] = "local" });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body!["accepted"]!.GetValue<int>());
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Theory]
    [InlineData("-local")]
    [InlineData("with space")]
    [InlineData("")]
    public void An_invalid_default_tenant_stops_ingest_at_start_up_naming_the_setting(string tenant)
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:DefaultTenant"] = tenant });

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        Assert.Contains("Ingest:DefaultTenant", ex!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_field_with_an_invalid_value_rejects_the_event_naming_the_field()
    {
        var (status, body) = await PostAsync("""{"tenant_id":"acme","service":"s","level":"info","message":"m","source_ip":"a\u0000b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("source_ip", FirstError(body!)["field"]!.GetValue<string>());
    }
}
