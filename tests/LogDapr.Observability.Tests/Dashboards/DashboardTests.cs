using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogDapr.Observability.Tests.Support;

namespace LogDapr.Observability.Tests.Dashboards;

/// <summary>
/// The chart's Grafana dashboard and alert rules only query what the services export: the names come from the real
/// scrapes of the observed pipeline, not from a list in the test.
/// </summary>
[Collection(ObservedPipelineCollection.Name)]
public sealed partial class DashboardTests(ObservedPipeline observed)
{
    private IReadOnlySet<string> Exported => observed.IngestMetrics.SeriesNames.Union(observed.AggregatorMetrics.SeriesNames).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_dashboard_parses_and_has_the_panels_an_operator_looks_for()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(ChartDocuments.DashboardFile))!;
        Assert.Equal("logdapr-pipeline", dashboard["uid"]!.GetValue<string>());
        var titles = Panels(dashboard).Select(p => p["title"]!.GetValue<string>()).ToList();
        Assert.Contains("Events in vs out", titles);
        Assert.Contains("End-to-end lag", titles);
        Assert.Contains("Rejects by reason", titles);
        Assert.Contains("Dead-letter growth", titles);
        Assert.Contains("Postgres errors and retries", titles);
        Assert.Equal(Panels(dashboard).Count(), Panels(dashboard).Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
    }

    [Fact]
    public void Every_dashboard_query_references_only_exported_metric_names()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(ChartDocuments.DashboardFile))!;
        var queries = Panels(dashboard).SelectMany(p => p["targets"]?.AsArray() ?? []).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.True(queries.Count >= 15, $"only {queries.Count} queries");

        var unknown = queries.SelectMany(q => PromQl.MetricNames(q).Where(n => !Exported.Contains(n)).Select(n => $"{n} in {q}")).ToList();
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            var definition = variable!["definition"]?.GetValue<string>() ?? "";
            unknown.AddRange(LabelValues().Matches(definition).Select(m => m.Groups[1].Value).Where(n => !Exported.Contains(n)).Select(n => $"{n} in variable {variable["name"]}"));
        }

        Assert.True(unknown.Count == 0, "not exported by ingest or the aggregator:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void The_chart_ships_the_dashboard_as_a_configmap_for_the_grafana_sidecar_only_when_enabled()
    {
        Assert.DoesNotContain(ChartDocuments.Render(), d => d["kind"]?.GetValue<string>() == "ConfigMap");

        var configMap = ChartDocuments.RenderWithMonitoring().Single(d => d["kind"]!.GetValue<string>() == "ConfigMap");
        Assert.Equal("1", configMap["metadata"]!["labels"]!["grafana_dashboard"]!.GetValue<string>());
        var shipped = configMap["data"]!["logdapr-pipeline.json"]!.GetValue<string>();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(ChartDocuments.DashboardFile)), JsonNode.Parse(shipped)));
    }

    [Fact]
    public void Every_alert_expression_references_only_exported_metric_names()
    {
        var rule = ChartDocuments.RenderWithMonitoring().Single(d => d["kind"]!.GetValue<string>() == "PrometheusRule");
        var expressions = rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!["expr"]!.GetValue<string>()).ToList();
        Assert.Equal(5, expressions.Count);
        var unknown = expressions.SelectMany(q => PromQl.MetricNames(q).Where(n => !Exported.Contains(n)).Select(n => $"{n} in {q}")).ToList();
        Assert.True(unknown.Count == 0, "not exported by ingest or the aggregator:\n" + string.Join('\n', unknown));
    }

    private static IEnumerable<JsonNode> Panels(JsonNode dashboard)
        => dashboard["panels"]!.AsArray().SelectMany(p => new[] { p! }.Concat(p!["panels"]?.AsArray().Select(c => c!) ?? []));

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,")]
    private static partial Regex LabelValues();
}
