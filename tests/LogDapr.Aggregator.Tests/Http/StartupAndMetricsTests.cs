using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using Microsoft.Extensions.Logging;

namespace LogDapr.Aggregator.Tests.Http;

/// <summary>What an operator sees of a starting aggregator: its logs, its Prometheus metrics, its OpenAPI document.</summary>
public sealed class StartupAndMetricsTests
{
    private static AggregatorApp App() => new(new Dictionary<string, string?> { ["APP_API_TOKEN"] = AggregatorApp.Token });

    [Fact]
    public async Task Waiting_for_postgres_while_starting_logs_no_warning_or_error()
    {
        await using var app = App();
        var client = app.CreateClient();

        // Readiness probes while Postgres is not there yet, as the kubelet and the local stack poll during start.
        for (var i = 0; i < 3; i++)
        {
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            await Task.Delay(300);
        }

        var loud = app.Logs.Where(l => l.Level >= LogLevel.Warning).Select(l => $"{l.Level} {l.Category}: {l.Message}").ToList();
        Assert.True(loud.Count == 0, "start-up logged:\n" + string.Join('\n', loud));
        Assert.Contains(app.Logs, l => l.Level == LogLevel.Information && l.Message.Contains("Not ready yet while starting: postgres", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failure_counters_are_exported_at_zero_from_start()
    {
        await using var app = App();

        var text = await app.CreateClient().GetStringAsync("/metrics");

        Assert.Contains("logdapr_aggregator_sink_errors_total ", text, StringComparison.Ordinal);
        var lines = string.Join('\n', text.Split('\n').Where(l => l.Contains("logdapr_aggregator", StringComparison.Ordinal)));
        foreach (var reason in new[] { "sink_unavailable", "schema_not_ready" })
        {
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, "logdapr_aggregator_messages_retried_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\} 0"), lines);
        }
    }

    [Fact]
    public async Task The_openapi_document_declares_parameters_security_bodies_and_not_found_answers()
    {
        await using var app = App();

        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;

        var metrics = document["paths"]!["/v1/metrics"]!["get"]!;
        var parameters = metrics["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "tenant", "service", "severity", "from", "to", "step" }, parameters);
        Assert.All(metrics["parameters"]!.AsArray(), p => Assert.Equal("query", p!["in"]!.GetValue<string>()));
        Assert.NotNull(metrics["responses"]!["400"]);

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Contains(schemes, s => s.Value!["type"]!.GetValue<string>() == "apiKey" && s.Value["in"]!.GetValue<string>() == "header");
        Assert.Contains(schemes, s => s.Value!["type"]!.GetValue<string>() == "http" && s.Value["scheme"]!.GetValue<string>() == "bearer");
        Assert.NotEmpty(document["security"]!.AsArray());

        var replay = document["paths"]!["/v1/dead-letters/{id}/replay"]!["post"]!;
        Assert.NotNull(replay["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(replay["responses"]!["404"]);
        Assert.NotNull(document["paths"]!["/v1/dead-letters/{id}"]!["get"]!["responses"]!["404"]);

        var tags = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).SelectMany(o => o.Value!["tags"]!.AsArray())
            .Select(t => t!.GetValue<string>()).Distinct().ToList();
        Assert.All(tags, t => Assert.DoesNotContain(".", t, StringComparison.Ordinal));
        Assert.All(tags, t => Assert.NotEqual("Program", t));
        Assert.Contains("Dead letters", tags);
    }
}
