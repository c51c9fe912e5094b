using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Hosting;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Aggregator.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>The same binary in its store role: its own subscription, its own endpoints, its own name in telemetry.</summary>
public class StoreRoleTests
{
    private static AggregatorApp Store() => new(new Dictionary<string, string?>
    {
        ["Aggregator:Role"] = "Store",
        ["APP_API_TOKEN"] = AggregatorApp.Token,
    });

    private static HttpRequestMessage Dapr(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("dapr-api-token", AggregatorApp.Token);
        return request;
    }

    [Fact]
    public async Task The_store_subscribes_to_the_logs_topic_only_and_stores_what_it_is_delivered()
    {
        await using var app = Store();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Dapr(HttpMethod.Get, "/dapr/subscribe"));
        var subscriptions = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

        var only = Assert.Single(subscriptions);
        Assert.Equal("logs", (string?)only!["topic"]);
        Assert.Equal("/dapr/logs", (string?)only["route"]);
        Assert.Equal("logs-deadletter", (string?)only["deadLetterTopic"]);
        Assert.IsType<StoreDeliveryProcessor>(app.Services.GetRequiredService<ILogsDeliveryProcessor>());
    }

    [Fact]
    public async Task The_store_serves_neither_counts_nor_dead_letters_and_refuses_dead_letter_deliveries_with_a_retryable_500()
    {
        await using var app = Store();
        using var client = app.CreateClient();

        using var metrics = await client.GetAsync("/v1/metrics");
        using var deadLetters = await client.GetAsync("/v1/dead-letters");
        using var delivery = await client.SendAsync(Dapr(HttpMethod.Post, "/dapr/dead-letters"));

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deadLetters.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, delivery.StatusCode);
    }

    [Fact]
    public async Task The_store_reports_telemetry_under_its_own_service_name()
    {
        await using var app = Store();
        _ = app.CreateClient();

        Assert.Equal(AggregatorHost.StoreServiceName, app.Services.GetRequiredService<IConfiguration>()["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public async Task An_unknown_role_stops_the_start_naming_the_setting()
    {
        await using var app = new AggregatorApp(new Dictionary<string, string?> { ["Aggregator:Role"] = "Archiver" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Aggregator:Role", error.ToString(), StringComparison.Ordinal);
    }
}
