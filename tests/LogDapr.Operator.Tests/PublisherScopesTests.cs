using LogDapr.Formats.Yaml;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// "Publish from any language" on real Dapr: a component is only loaded by the daprd of an app id in its scopes, so
/// further publishers are listed in spec.pubsub.publisherAppIds. They may publish to the logs topic and nothing
/// else, and may not subscribe: a subscriber would join the aggregator's consumer group (consumerID /
/// consumerGroup / durableName are component metadata) and take its messages. Topic scoping is daprd's
/// (dapr/dapr v1.16.0 pkg/scopes/scopes.go, pkg/runtime/pubsub/adapter.go IsOperationAllowed).
/// </summary>
public sealed class PublisherScopesTests
{
    private const string Spec = """
          pubsub:
            type: redis
            redis: {host: "redis:6379"}
            publisherAppIds: [checkout, billing]
          postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}

        """;

    [Fact]
    public void Further_publishers_are_in_the_pubsub_scopes_and_only_there()
    {
        var result = Render(Pipeline(Spec));
        var pubsub = Find(result, KnownResources.DaprComponents, "p-pubsub");
        Assert.Equal(["p-ingest", "p-aggregator", "p-store", "checkout", "billing"], Scopes(pubsub));
        Assert.Equal(["p-ingest"], Scopes(Find(result, KnownResources.DaprComponents, "p-state")));
        Assert.Equal(["p-aggregator", "p-store"], Scopes(Find(result, KnownResources.DaprComponents, "p-postgres")));
    }

    [Fact]
    public void Publishers_may_publish_to_the_logs_topic_only_only_ingest_to_the_audit_topic_and_only_the_aggregator_and_the_store_may_subscribe()
    {
        var metadata = ComponentMetadata(Find(Render(Pipeline(Spec)), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("logs,logs-deadletter,logs-audit", metadata["allowedTopics"]);
        // A protected topic needs an explicit grant: whoever is not named below can neither publish nor subscribe.
        Assert.Equal("logs,logs-deadletter,logs-audit", metadata["protectedTopics"]);
        // The aggregator's sidecar publishes dead letters, and the aggregator replays them onto the logs topic; the
        // store's sidecar publishes dead letters of its own deliveries, and reads the logs topic only. Only ingest may
        // write audit records, and only the counter reads them: a publisher could otherwise forge the audit trail.
        Assert.Equal("p-ingest=logs,logs-audit;p-aggregator=logs,logs-deadletter;p-store=logs-deadletter;checkout=logs;billing=logs", metadata["publishingScopes"]);
        Assert.Equal("p-aggregator=logs,logs-deadletter,logs-audit;p-store=logs", metadata["subscriptionScopes"]);
    }

    [Fact]
    public void The_component_name_rule_is_stated_in_the_CRD()
    {
        var crd = YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0]!;
        var pubsub = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["pubsub"]!;
        Assert.Contains("<metadata.name>-pubsub", pubsub["properties"]!["publisherAppIds"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("set", pubsub["properties"]!["publisherAppIds"]!["x-kubernetes-list-type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_reports_the_component_and_topic_a_publisher_uses()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        var status = cluster.Pipeline("team", "demo")["status"]!;
        Assert.Equal("demo-pubsub", status.GetString("pubsubComponent"));
        Assert.Equal("logs", status.GetString("topic"));
    }
}
