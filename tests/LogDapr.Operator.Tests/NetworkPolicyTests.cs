using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>spec.networkPolicy: the ingress NetworkPolicies rendered for ingest and the aggregator.</summary>
public sealed class NetworkPolicyTests
{
    private const string Base = """
          pubsub:
            type: redis
            redis: {host: "redis:6379"}
          postgres:
            connectionStringSecretKeyRef: {name: pg, key: connectionString}
        """ + "\n";

    private static List<JsonObject> Policies(RenderResult result) =>
        result.Objects.Where(o => o.Type == KnownResources.NetworkPolicies).Select(o => o.Object).ToList();

    private static JsonObject Policy(RenderResult result, string name) => Rendered.Find(result, KnownResources.NetworkPolicies, name);

    private static List<JsonObject> Rules(JsonObject policy) => policy["spec"]!["ingress"]!.AsArray().OfType<JsonObject>().ToList();

    private static List<string> Ports(JsonObject rule) => rule["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<string>()).ToList();

    private static readonly JsonNode DefaultScrapers = JsonNode.Parse("""[{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}]""")!;

    [Fact]
    public void Off_by_default_no_NetworkPolicy_is_rendered()
    {
        Assert.Empty(Policies(Rendered.Render(Rendered.Pipeline(Base))));
        foreach (var sample in Samples.Files.Select(Path.GetFileName))
        {
            Assert.Equal(sample == "network-policy.yaml", Policies(Rendered.Sample(sample!)).Count > 0);
        }
    }

    [Fact]
    public void Enabled_with_defaults_ingest_is_open_on_its_app_port_and_the_aggregator_only_to_scrapers()
    {
        var result = Rendered.Render(Rendered.Pipeline(Base + "  networkPolicy: {enabled: true}\n"));
        Assert.Equal(["p-aggregator", "p-ingest", "p-store"], Policies(result).Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order());

        foreach (var (name, component) in new[] { ("p-ingest", "ingest"), ("p-aggregator", "aggregator"), ("p-store", "store") })
        {
            var policy = Policy(result, name);
            var deployment = Rendered.Find(result, KnownResources.Deployments, name);
            // The policy selects exactly the workload's pods, and only filters ingress.
            Assert.True(JsonNode.DeepEquals(deployment["spec"]!["selector"], policy["spec"]!["podSelector"]), $"{name} selects its pods");
            Assert.Equal(["Ingress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal(component, policy["metadata"]!["labels"]!["app.kubernetes.io/component"]!.GetValue<string>());
            // The rules name the ports the pods really have: the app container's, and the sidecar's metrics port.
            Assert.Equal(WorkloadRenderer.HttpPortName, deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["name"]!.GetValue<string>());
            var scrapers = Rules(policy).Last();
            Assert.True(JsonNode.DeepEquals(DefaultScrapers, scrapers["from"]));
            Assert.Equal(["http", "dapr-metrics"], Ports(scrapers));
        }

        var ingest = Rules(Policy(result, "p-ingest"));
        Assert.Equal(2, ingest.Count);
        Assert.Null(ingest[0]["from"]); // any source
        // Ingest's clients reach its HTTP API and OTLP/gRPC, both ports of its container.
        Assert.Equal(["http", "otlp-grpc"], Ports(ingest[0]));
        Assert.Equal(["http", "otlp-grpc"], Rendered.Find(result, KnownResources.Deployments, "p-ingest")["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!
            .AsArray().Select(p => p!["name"]!.GetValue<string>()));

        // Nothing but the scrapers: the aggregator's app is reached by its own sidecar over localhost.
        Assert.Single(Rules(Policy(result, "p-aggregator")));
        Assert.Single(Rules(Policy(result, "p-store")));
    }

    [Fact]
    public void Configured_sources_become_the_rules_and_an_empty_metricsFrom_closes_the_aggregator()
    {
        var result = Rendered.Render(Rendered.Pipeline(Base + """
              networkPolicy:
                enabled: true
                ingestFrom:
                  - namespaceSelector: {matchLabels: {team: payments}}
                    podSelector:
                      matchExpressions: [{key: tier, operator: In, values: [web, api]}]
                  - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                queryFrom:
                  - podSelector: {matchLabels: {app: grafana}}
                metricsFrom: []
            """));
        var ingest = Rules(Policy(result, "p-ingest"));
        var expectedIngest = JsonNode.Parse("""
            [{"namespaceSelector": {"matchLabels": {"team": "payments"}}, "podSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]}},
             {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]
            """);
        Assert.True(JsonNode.DeepEquals(expectedIngest, Assert.Single(ingest)["from"]), ingest[0].ToJsonString());
        var aggregator = Assert.Single(Rules(Policy(result, "p-aggregator")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"podSelector": {"matchLabels": {"app": "grafana"}}}]"""), aggregator["from"]));
        Assert.Equal(["http"], Ports(aggregator));
        // The store's search API has the same clients as the aggregator's query API.
        var store = Assert.Single(Rules(Policy(result, "p-store")));
        Assert.True(JsonNode.DeepEquals(aggregator["from"], store["from"]));

        var closed = Rendered.Render(Rendered.Pipeline(Base + "  networkPolicy: {enabled: true, metricsFrom: []}\n"));
        // No rule at all: every connection from outside the pod is refused.
        Assert.Empty(Rules(Policy(closed, "p-aggregator")));
    }

    [Fact]
    public void The_policies_name_the_dapr_metrics_port_the_charts_PodMonitor_scrapes()
    {
        var podMonitor = File.ReadAllText(RepoPaths.Path("charts", "logdapr", "templates", "podmonitor.yaml"));
        Assert.Contains("- port: " + NetworkPolicyRenderer.DaprMetricsPortName, podMonitor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_the_policies_on_applies_them_and_turning_them_off_prunes_them()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Empty(cluster.Server.All(KnownResources.NetworkPolicies, "team"));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["networkPolicy"] = new JsonObject { ["enabled"] = true });
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.NetworkPolicies, "team").Count == 3, "the three NetworkPolicies (ingest, aggregator, store) applied");
        var ingest = cluster.Server.Get(KnownResources.NetworkPolicies, "team", "demo-ingest");
        Assert.Equal(cluster.Pipeline("team", "demo").Uid(), ingest.ControllerOwner()!.GetString("uid"));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["networkPolicy"]!["enabled"] = false);
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.NetworkPolicies, "team").Count == 0, "the NetworkPolicies pruned");
    }
}
