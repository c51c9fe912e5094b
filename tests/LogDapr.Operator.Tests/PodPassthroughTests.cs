using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>spec.*.pod: labels, annotations, scheduling and pull secrets reach the pod template; operator keys stay the operator's.</summary>
public sealed class PodPassthroughTests
{
    private const string Base = "  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\"}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    private static JsonObject PodTemplate(string aggregatorPod) =>
        Rendered.Find(Rendered.Render(Rendered.Pipeline(Base + "  aggregator:\n    pod:\n" + aggregatorPod)), KnownResources.Deployments, "p-aggregator")["spec"]!["template"]!.AsObject();

    [Fact]
    public void Every_pod_setting_reaches_the_pod_template()
    {
        var template = PodTemplate("""
                  labels: {team: observability}
                  annotations: {example.com/owner: platform}
                  nodeSelector: {node-pool: logs}
                  tolerations: [{key: dedicated, operator: Equal, value: logs, effect: NoSchedule}]
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]}]
                  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, matchLabelKeys: [pod-template-hash]}]
                  imagePullSecrets: [{name: registry-credentials}]
                  priorityClassName: logs-critical
            """);
        var spec = template["spec"]!;
        Assert.Equal("observability", template["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("p", template["metadata"]!["labels"]!["logdapr.io/pipeline"]!.GetValue<string>());
        Assert.Equal("platform", template["metadata"]!["annotations"]!["example.com/owner"]!.GetValue<string>());
        Assert.Equal("p-aggregator", template["metadata"]!["annotations"]!["dapr.io/app-id"]!.GetValue<string>());
        Assert.Equal("logs", spec["nodeSelector"]!["node-pool"]!.GetValue<string>());
        Assert.Equal("NoSchedule", spec["tolerations"]![0]!["effect"]!.GetValue<string>());
        Assert.Equal("kubernetes.io/arch", spec["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("pod-template-hash", spec["topologySpreadConstraints"]![0]!["matchLabelKeys"]![0]!.GetValue<string>());
        Assert.Equal("registry-credentials", spec["imagePullSecrets"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("logs-critical", spec["priorityClassName"]!.GetValue<string>());
    }

    [Fact]
    public void Without_pod_settings_the_template_has_none_of_them()
    {
        var spec = Rendered.Find(Rendered.Render(Rendered.Pipeline(Base)), KnownResources.Deployments, "p-ingest")["spec"]!["template"]!["spec"]!.AsObject();
        foreach (var field in new[] { "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "imagePullSecrets", "priorityClassName" })
        {
            Assert.False(spec.ContainsKey(field), field);
        }
    }

    [Theory]
    [InlineData("labels: {app.kubernetes.io/component: other}", "aggregator.pod.labels may not set \"app.kubernetes.io/component\": the operator sets it")]
    [InlineData("labels: {logdapr.io/tier: gold}", "aggregator.pod.labels may not set \"logdapr.io/tier\": the prefix logdapr.io/ is reserved")]
    [InlineData("annotations: {dapr.io/app-id: someone-else}", "aggregator.pod.annotations may not set \"dapr.io/app-id\": the operator sets it")]
    [InlineData("annotations: {dapr.io/sidecar-image: evil}", "aggregator.pod.annotations may not set \"dapr.io/sidecar-image\": the prefix dapr.io/ is reserved")]
    [InlineData("annotations: {prometheus.io/port: \"9999\"}", "aggregator.pod.annotations may not set \"prometheus.io/port\": the operator sets it")]
    [InlineData("labels: {team: \"has space\"}", "aggregator.pod.labels: the value \"has space\" of \"team\" is not a valid label value")]
    [InlineData("nodeSelector: {\"-bad\": x}", "aggregator.pod.nodeSelector: \"-bad\" is not a valid key")]
    public void Keys_the_operator_owns_and_malformed_ones_are_refused(string pod, string expected)
    {
        var e = Assert.Throws<InvalidPipelineException>(() => PodTemplate("      " + pod + "\n"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_annotation_is_an_InvalidSpec_condition_and_nothing_is_applied()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  ingest:\n    pod:\n      annotations: {dapr.io/app-id: other}\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.InvalidSpec);
        Assert.Contains("ingest.pod.annotations may not set \"dapr.io/app-id\"", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
    }
}
