using LogDapr.TestSupport;
using System.Text.Json.Nodes;
using LogDapr.Observability.Tests.Support;

namespace LogDapr.Observability.Tests.Dashboards;

/// <summary>The chart's PrometheusRule: its spec is a valid Prometheus rules file (promtool), with the alerts the issue names.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public void The_rule_is_rendered_only_when_enabled_and_promtool_accepts_its_spec()
    {
        Assert.DoesNotContain(ChartDocuments.Render(), d => d["kind"]?.GetValue<string>() == "PrometheusRule");

        var rule = ChartDocuments.RenderWithMonitoring().Single(d => d["kind"]!.GetValue<string>() == "PrometheusRule");
        Assert.Equal("monitoring.coreos.com/v1", rule["apiVersion"]!.GetValue<string>());
        var alerts = rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!["alert"]!.GetValue<string>()).ToList();
        Assert.Equal(["LogDaprLagHigh", "LogDaprDeadLettersGrowing", "LogDaprSinkErrors", "LogDaprIngest5xxRatioHigh", "LogDaprNoEventsProcessed"], alerts);

        AssertPromtoolAccepts(rule["spec"]!);
    }

    [Fact]
    public void Thresholds_come_from_values_and_still_make_valid_rules()
    {
        var rule = ChartDocuments.Render("monitoring.prometheusRule.enabled=true", "monitoring.prometheusRule.lagThresholdSeconds=30",
            "monitoring.prometheusRule.ingest5xxRatio=0.2", "monitoring.prometheusRule.deadLetterGrowth=10")
            .Single(d => d["kind"]!.GetValue<string>() == "PrometheusRule");
        var expressions = rule["spec"]!["groups"]![0]!["rules"]!.AsArray().ToDictionary(r => r!["alert"]!.GetValue<string>(), r => r!["expr"]!.GetValue<string>());
        Assert.Contains("> 30", expressions["LogDaprLagHigh"], StringComparison.Ordinal);
        Assert.Contains("> 0.2", expressions["LogDaprIngest5xxRatioHigh"], StringComparison.Ordinal);
        Assert.Contains("> 10", expressions["LogDaprDeadLettersGrowing"], StringComparison.Ordinal);
        AssertPromtoolAccepts(rule["spec"]!);
    }

    [Fact]
    public void The_chart_lints_with_every_monitoring_object_on()
    {
        var (exit, output) = ExternalTools.Run(ExternalTools.Helm, "lint", "--strict", ChartDocuments.ChartPath,
            "--set", "monitoring.podMonitor.enabled=true", "--set", "monitoring.dashboards.enabled=true", "--set", "monitoring.prometheusRule.enabled=true");
        Assert.True(exit == 0, output);

        var monitors = ChartDocuments.RenderWithMonitoring().Where(d => d["kind"]!.GetValue<string>() == "PodMonitor").ToList();
        var pipelines = monitors.Single(m => m["metadata"]!["name"]!.GetValue<string>().EndsWith("-pipelines", StringComparison.Ordinal));
        Assert.Equal("logdapr-operator", pipelines["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Contains(pipelines["spec"]!["podMetricsEndpoints"]!.AsArray(), e => e!["port"]!.GetValue<string>() == "http" && e["path"]!.GetValue<string>() == "/metrics");
        var operatorMonitor = monitors.Single(m => m["metadata"]!["name"]!.GetValue<string>().EndsWith("-operator", StringComparison.Ordinal));
        Assert.Equal("health", operatorMonitor["spec"]!["podMetricsEndpoints"]![0]!["port"]!.GetValue<string>());
    }

    /// <summary>
    /// The alerts fire on the situations they describe and stay quiet otherwise, evaluated by `promtool test rules` on
    /// synthetic series: events accepted while none are processed, and a Postgres binding that keeps failing.
    /// </summary>
    [Fact]
    public void The_alerts_fire_when_events_stop_being_processed_or_the_sink_fails_and_not_before()
    {
        var rule = ChartDocuments.RenderWithMonitoring().Single(d => d["kind"]!.GetValue<string>() == "PrometheusRule");
        var rules = rule["spec"]!["groups"]![0]!["rules"]!.AsArray().ToDictionary(r => r!["alert"]!.GetValue<string>(), r => r!.AsObject());
        var directory = Directory.CreateTempSubdirectory("logdapr-rules-test");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "rules.json"), rule["spec"]!.ToJsonString());
            var tests = new JsonObject
            {
                ["rule_files"] = new JsonArray("rules.json"),
                ["evaluation_interval"] = "1m",
                ["tests"] = new JsonArray(new JsonObject
                {
                    ["interval"] = "1m",
                    ["input_series"] = new JsonArray(
                        Series("logdapr_ingest_events_accepted_total{namespace=\"team\"}", "0+100x40"),
                        // The aggregator counts for 5 minutes, then stops.
                        Series("logdapr_aggregator_events_processed_total{namespace=\"team\"}", "0+100x5 500x35"),
                        // The sink fails from minute 20 on.
                        Series("logdapr_aggregator_sink_errors_total{namespace=\"team\"}", "0x20 1+1x20"),
                        Series("logdapr_aggregator_lag_seconds_bucket{namespace=\"team\",le=\"1\"}", "0+10x40"),
                        Series("logdapr_aggregator_lag_seconds_bucket{namespace=\"team\",le=\"+Inf\"}", "0+10x40")),
                    ["alert_rule_test"] = new JsonArray(
                        Expect("LogDaprNoEventsProcessed", "5m"),
                        Expect("LogDaprNoEventsProcessed", "35m", Fired(rules["LogDaprNoEventsProcessed"])),
                        Expect("LogDaprSinkErrors", "15m"),
                        Expect("LogDaprSinkErrors", "35m", Fired(rules["LogDaprSinkErrors"])),
                        Expect("LogDaprLagHigh", "35m")),
                }),
            };
            var file = Path.Combine(directory.FullName, "rules-test.json");
            File.WriteAllText(file, tests.ToJsonString());
            var (exit, output) = ExternalTools.Run(ExternalTools.Promtool, "test", "rules", file);
            Assert.True(exit == 0, "promtool test rules failed:\n" + output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static JsonObject Series(string series, string values) => new() { ["series"] = series, ["values"] = values };

    private static JsonObject Expect(string alert, string at, JsonObject? fired = null)
        => new() { ["eval_time"] = at, ["alertname"] = alert, ["exp_alerts"] = fired is null ? new JsonArray() : new JsonArray(fired) };

    /// <summary>The alert as it fires for namespace "team": its labels, and its annotations with the namespace filled in.</summary>
    private static JsonObject Fired(JsonObject rule)
    {
        var labels = rule["labels"]!.DeepClone().AsObject();
        labels["namespace"] = "team";
        var annotations = new JsonObject();
        foreach (var (name, text) in rule["annotations"]!.AsObject())
        {
            annotations[name] = text!.GetValue<string>().Replace("{{ $labels.namespace }}", "team", StringComparison.Ordinal);
        }

        return new JsonObject { ["exp_labels"] = labels, ["exp_annotations"] = annotations };
    }

    /// <summary>A PrometheusRule's spec has the shape of a rules file ({"groups": [...]}); JSON is valid YAML for promtool.</summary>
    private static void AssertPromtoolAccepts(JsonNode spec)
    {
        var file = Path.Combine(Path.GetTempPath(), $"logdapr-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, spec.ToJsonString());
        try
        {
            var (exit, output) = ExternalTools.Run(ExternalTools.Promtool, "check", "rules", file);
            Assert.True(exit == 0, "promtool check rules failed:\n" + output);
            Assert.Contains("SUCCESS: 5 rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
