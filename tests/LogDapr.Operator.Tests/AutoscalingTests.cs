using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>spec.*.autoscaling: the autoscalers rendered, and a replica count the operator leaves alone.</summary>
public sealed class AutoscalingTests
{
    private const string Postgres = "  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";
    private const string RedisPubSub = "  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\", passwordSecretKeyRef: {name: redis, key: password}}\n";

    private static string Metadata(JsonObject trigger, string key) => trigger["metadata"]![key]!.GetValue<string>();

    [Fact]
    public void Autoscaled_ingest_gets_an_hpa_on_its_container_and_a_deployment_without_replicas()
    {
        var result = Rendered.Render(Rendered.Pipeline(RedisPubSub + Postgres + """
              ingest:
                replicas: 3
                autoscaling: {minReplicas: 2, maxReplicas: 7, targetCPUUtilizationPercentage: 65, targetMemoryUtilizationPercentage: 80}
            """));

        var deployment = Rendered.Find(result, KnownResources.Deployments, "p-ingest");
        Assert.False(deployment["spec"]!.AsObject().ContainsKey("replicas"), "the operator must not apply (and so own) spec.replicas");
        var hpa = Rendered.Find(result, KnownResources.HorizontalPodAutoscalers, "p-ingest");
        Assert.Equal("autoscaling/v2", hpa.GetString("apiVersion"));
        Assert.Equal("p-ingest", hpa["spec"]!["scaleTargetRef"].GetString("name"));
        Assert.Equal("Deployment", hpa["spec"]!["scaleTargetRef"].GetString("kind"));
        Assert.Equal(2, hpa["spec"].GetLong("minReplicas"));
        Assert.Equal(7, hpa["spec"].GetLong("maxReplicas"));
        var metrics = hpa["spec"]!["metrics"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.All(metrics, m => Assert.Equal("ContainerResource", m.GetString("type")));
        Assert.All(metrics, m => Assert.Equal("ingest", m["containerResource"].GetString("container")));
        Assert.Equal(new[] { ("cpu", 65L), ("memory", 80L) }, metrics.Select(m => (m["containerResource"].GetString("name")!, m["containerResource"]!["target"].GetLong("averageUtilization")!.Value)));
        Assert.Equal("p", hpa["metadata"]!["labels"]!["app.kubernetes.io/instance"]!.GetValue<string>());
        // The budget follows the fewest replicas the autoscaler may leave.
        Assert.Contains(result.Objects, o => o.Type == KnownResources.PodDisruptionBudgets && o.Name == "p-ingest");
        // The aggregator is not autoscaled: its replicas are applied as before, and it has no autoscaler.
        Assert.Equal(1, Rendered.Find(result, KnownResources.Deployments, "p-aggregator")["spec"].GetLong("replicas"));
        Assert.DoesNotContain(result.Objects, o => o.Name == "p-aggregator" && o.Type == KnownResources.HorizontalPodAutoscalers);
    }

    [Fact]
    public void Disabled_autoscaling_keeps_the_settings_and_applies_replicas()
    {
        var result = Rendered.Render(Rendered.Pipeline(RedisPubSub + Postgres + """
              ingest:
                replicas: 3
                autoscaling: {enabled: false, maxReplicas: 7, targetCPUUtilizationPercentage: 65}
            """));
        Assert.Equal(3, Rendered.Find(result, KnownResources.Deployments, "p-ingest")["spec"].GetLong("replicas"));
        Assert.DoesNotContain(result.Objects, o => o.Type == KnownResources.HorizontalPodAutoscalers);
    }

    [Fact]
    public void Hpa_behavior_is_passed_through()
    {
        var result = Rendered.Sample("kafka-autoscaling.yaml");
        var behavior = Rendered.Find(result, KnownResources.HorizontalPodAutoscalers, "events-ingest")["spec"]!["behavior"]!["scaleDown"]!;
        Assert.Equal(600, behavior.GetLong("stabilizationWindowSeconds"));
        var policy = behavior["policies"]![0]!;
        Assert.Equal(("Pods", 1L, 120L), (policy.GetString("type"), policy.GetLong("value")!.Value, policy.GetLong("periodSeconds")!.Value));
    }

    [Fact]
    public void Redis_backlog_scales_on_the_lag_of_the_consumer_group_daprd_reads_with()
    {
        var result = Rendered.Render(Rendered.Pipeline(RedisPubSub + Postgres + """
              aggregator:
                autoscaling: {minReplicas: 1, maxReplicas: 4, backlog: {targetPerReplica: 250}}
            """));
        var component = Rendered.ComponentMetadata(Rendered.Find(result, KnownResources.DaprComponents, "p-pubsub"));
        var scaled = Rendered.Find(result, KnownResources.KedaScaledObjects, "p-aggregator");
        Assert.Equal("keda.sh/v1alpha1", scaled.GetString("apiVersion"));
        Assert.Equal("p-aggregator", scaled["spec"]!["scaleTargetRef"].GetString("name"));
        Assert.Equal((1L, 4L), (scaled["spec"].GetLong("minReplicaCount")!.Value, scaled["spec"].GetLong("maxReplicaCount")!.Value));
        var trigger = Assert.Single(scaled["spec"]!["triggers"]!.AsArray().OfType<JsonObject>());
        Assert.Equal("redis-streams", trigger.GetString("type"));
        Assert.Equal(component["redisHost"], Metadata(trigger, "address"));
        // The component says {appID}, which the aggregator's sidecar reads as its app id: the group KEDA must watch.
        Assert.Equal(ComponentRenderer.AppIdPlaceholder, component["consumerID"]);
        Assert.Equal("p-aggregator", Metadata(trigger, "consumerGroup"));
        Assert.Equal(PipelineDefaultsTopic, Metadata(trigger, "stream"));
        Assert.Equal("250", Metadata(trigger, "lagCount"));
        Assert.Equal("p-aggregator-keda", trigger["authenticationRef"].GetString("name"));
        var auth = Rendered.Find(result, KnownResources.KedaTriggerAuthentications, "p-aggregator-keda");
        var secret = Assert.Single(auth["spec"]!["secretTargetRef"]!.AsArray().OfType<JsonObject>());
        Assert.Equal(("password", "redis", "password"), (secret.GetString("parameter"), secret.GetString("name"), secret.GetString("key")));
        // KEDA makes the HPA: the operator renders none, and the Deployment carries no replicas.
        Assert.DoesNotContain(result.Objects, o => o.Type == KnownResources.HorizontalPodAutoscalers);
        Assert.False(Rendered.Find(result, KnownResources.Deployments, "p-aggregator")["spec"]!.AsObject().ContainsKey("replicas"));
    }

    private const string PipelineDefaultsTopic = LogDapr.Configuration.Pipeline.PipelineDefaults.LogsTopic;

    [Fact]
    public void Kafka_backlog_scales_on_consumer_group_lag_with_the_components_credentials()
    {
        var result = Rendered.Sample("kafka-autoscaling.yaml");
        var component = Rendered.ComponentMetadata(Rendered.Find(result, KnownResources.DaprComponents, "events-pubsub"));
        var scaled = Rendered.Find(result, KnownResources.KedaScaledObjects, "events-aggregator");
        var triggers = scaled["spec"]!["triggers"]!.AsArray().OfType<JsonObject>().ToList();
        var kafka = triggers.Single(t => t.GetString("type") == "kafka");
        Assert.Equal(component["brokers"], Metadata(kafka, "bootstrapServers"));
        Assert.Equal(ComponentRenderer.AppIdPlaceholder, component["consumerGroup"]);
        Assert.Equal("events-aggregator", Metadata(kafka, "consumerGroup"));
        Assert.Equal("events", Metadata(kafka, "topic"));
        Assert.Equal("5000", Metadata(kafka, "lagThreshold"));
        Assert.Equal("earliest", Metadata(kafka, "offsetResetPolicy"));
        Assert.Equal("enable", Metadata(kafka, "tls"));
        Assert.Equal("scram_sha512", Metadata(kafka, "sasl"));
        var cpu = triggers.Single(t => t.GetString("type") == "cpu");
        Assert.Equal(("Utilization", "80", "aggregator"), (cpu.GetString("metricType"), Metadata(cpu, "value"), Metadata(cpu, "containerName")));

        var auth = Rendered.Find(result, KnownResources.KedaTriggerAuthentications, "events-aggregator-keda")["spec"]!;
        Assert.Equal(
            new[] { "ca=events-kafka/ca.crt", "password=events-kafka/password" },
            auth["secretTargetRef"]!.AsArray().OfType<JsonObject>().Select(r => $"{r.GetString("parameter")}={r.GetString("name")}/{r.GetString("key")}").Order(StringComparer.Ordinal));
        // The SASL user name is not a secret; KEDA takes it from the aggregator container's environment.
        var env = Assert.Single(auth["env"]!.AsArray().OfType<JsonObject>());
        Assert.Equal(("username", AutoscalingRenderer.KafkaUsernameEnv, "aggregator"), (env.GetString("parameter"), env.GetString("name"), env.GetString("containerName")));
        var containerEnv = Rendered.Env(Rendered.Find(result, KnownResources.Deployments, "events-aggregator"));
        Assert.Equal("logdapr", containerEnv[AutoscalingRenderer.KafkaUsernameEnv].GetString("value"));
    }

    [Fact]
    public void JetStream_backlog_scales_on_the_durable_consumer_daprd_creates()
    {
        var result = Rendered.Render(Rendered.Pipeline(Postgres + """
              stateStore: {type: postgresql}
              pubsub:
                type: jetstream
                consumerGroup: logs-workers
                jetstream: {natsURL: "nats://nats:4222", streamName: LOGS, maxAckPending: 2000}
              aggregator:
                autoscaling:
                  maxReplicas: 20
                  backlog: {jetstream: {monitoringEndpoint: "nats:8222"}}
              storage: {enabled: false}
            """));
        var component = Rendered.ComponentMetadata(Rendered.Find(result, KnownResources.DaprComponents, "p-pubsub"));
        var trigger = Rendered.Find(result, KnownResources.KedaScaledObjects, "p-aggregator")["spec"]!["triggers"]![0]!.AsObject();
        Assert.Equal("nats-jetstream", trigger.GetString("type"));
        Assert.Equal(component["durableName"], Metadata(trigger, "consumer"));
        Assert.Equal(component["streamName"], Metadata(trigger, "stream"));
        Assert.Equal("nats:8222", Metadata(trigger, "natsServerMonitoringEndpoint"));
        Assert.Equal("$G", Metadata(trigger, "account"));
        Assert.Equal("1000", Metadata(trigger, "lagThreshold"));
        Assert.DoesNotContain(result.Objects, o => o.Type == KnownResources.KedaTriggerAuthentications);
    }

    [Fact]
    public void JetStream_max_ack_pending_is_checked_against_max_replicas_while_autoscaling()
    {
        var yaml = Rendered.Pipeline(Postgres + """
              stateStore: {type: postgresql}
              pubsub:
                type: jetstream
                jetstream: {natsURL: "nats://nats:4222", maxAckPending: 1000}
              aggregator:
                autoscaling: {maxReplicas: 20, targetCPUUtilizationPercentage: 70}
            """);
        var e = Assert.Throws<InvalidPipelineException>(() => Rendered.Render(yaml));
        Assert.Contains("autoscaling.maxReplicas", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// `kubectl scale` (or an HPA) writes spec.replicas through an update: with autoscaling on, the operator's next
    /// apply must keep it. A spec change makes the reconcile observable (the HPA's new maxReplicas).
    /// </summary>
    [Fact]
    public async Task A_kubectl_scale_survives_reconciles_while_autoscaling()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  ingest:\n    autoscaling: {minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70}\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-ingest"));

        Scale(cluster.Server, "demo-ingest", 6);
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["autoscaling"]!["maxReplicas"] = 12);
        await Eventually.TrueAsync(() => cluster.Server.Get(KnownResources.HorizontalPodAutoscalers, "team", "demo-ingest")["spec"].GetLong("maxReplicas") == 12, "the HPA to be re-applied");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        Assert.Equal(6, cluster.Server.Get(KnownResources.Deployments, "team", "demo-ingest")["spec"].GetLong("replicas"));
        Assert.DoesNotContain("f:spec\nf:replicas", cluster.Server.Managers(KnownResources.Deployments, "team", "demo-ingest")[OperatorOptions.FieldManager].Fields);
    }

    /// <summary>The same scale without autoscaling is undone: the operator owns replicas then (the contrast).</summary>
    [Fact]
    public async Task A_kubectl_scale_is_undone_without_autoscaling()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        Scale(cluster.Server, "demo-ingest", 6);
        await Eventually.TrueAsync(() => cluster.Server.Get(KnownResources.Deployments, "team", "demo-ingest")["spec"].GetLong("replicas") == 2, "the operator to re-apply replicas: 2");
    }

    /// <summary>
    /// Turning autoscaling on must not drop the Deployment to the API server's default of one replica before the
    /// HPA acts: the replica count is handed over (Kubernetes' "transferring ownership" recipe).
    /// </summary>
    [Fact]
    public async Task Turning_autoscaling_on_keeps_the_current_replica_count()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  ingest:\n    replicas: 3\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Equal(3, cluster.Server.Get(KnownResources.Deployments, "team", "demo-ingest")["spec"].GetLong("replicas"));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["autoscaling"] = new JsonObject { ["maxReplicas"] = 10, ["targetCPUUtilizationPercentage"] = 70 });
        await Eventually.TrueAsync(() => cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-ingest") is not null, "the HPA");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        Assert.Equal(3, cluster.Server.Get(KnownResources.Deployments, "team", "demo-ingest")["spec"].GetLong("replicas"));
        var managers = cluster.Server.Managers(KnownResources.Deployments, "team", "demo-ingest");
        Assert.DoesNotContain("f:spec\nf:replicas", managers[OperatorOptions.FieldManager].Fields);
        Assert.Contains("f:spec\nf:replicas", managers[ReplicaHandoverManager].Fields);

        // And off again: the operator takes the field back and the HPA is pruned.
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["autoscaling"]!["enabled"] = false);
        await Eventually.TrueAsync(() => cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-ingest") is null, "the HPA to be pruned");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Equal(3, cluster.Server.Get(KnownResources.Deployments, "team", "demo-ingest")["spec"].GetLong("replicas"));
    }

    private const string ReplicaHandoverManager = "logdapr-operator-replicas-handover";

    [Fact]
    public async Task Backlog_scaling_without_keda_is_reported_and_nothing_is_applied()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  aggregator:\n    autoscaling: {maxReplicas: 4, backlog: {targetPerReplica: 100}}\n");

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.KedaNotInstalled);
        var message = TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message")!;
        Assert.Contains("scaledobjects.keda.sh", message, StringComparison.Ordinal);
        Assert.Contains("Install KEDA", message, StringComparison.Ordinal);
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }

        KedaInstallation.Install(cluster.Server);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(cluster.Server.TryGet(KnownResources.KedaScaledObjects, "team", "demo-aggregator"));
        Assert.NotNull(cluster.Server.TryGet(KnownResources.KedaTriggerAuthentications, "team", "demo-aggregator-keda"));
        Assert.Empty(cluster.Server.All(KnownResources.HorizontalPodAutoscalers, "team"));
    }

    /// <summary>
    /// Switching the aggregator from an HPA to KEDA: KEDA's admission webhook refuses a ScaledObject while an HPA it
    /// does not own targets the Deployment, so the operator must remove its HPA first (played here by an admission step).
    /// </summary>
    [Fact]
    public async Task Switching_the_aggregator_from_an_hpa_to_keda_removes_the_hpa_first()
    {
        await using var cluster = new TestCluster();
        KedaInstallation.Install(cluster.Server);
        cluster.Server.AddAdmission(KnownResources.KedaScaledObjects, scaledObject =>
        {
            var target = scaledObject["spec"]!["scaleTargetRef"].GetString("name");
            var competing = cluster.Server.All(KnownResources.HorizontalPodAutoscalers, scaledObject.Namespace())
                .Where(h => h["spec"]!["scaleTargetRef"].GetString("name") == target)
                .Select(h => h.Name())
                .ToList();
            return (scaledObject, competing.Count == 0 ? [] : [$"the workload '{target}' of type 'apps/v1.Deployment' is already managed by the hpa '{competing[0]}'"]);
        });
        cluster.Start();
        cluster.Apply(Samples.Minimal + "\n  aggregator:\n    autoscaling: {maxReplicas: 4, targetCPUUtilizationPercentage: 70}\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-aggregator"));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["aggregator"]!["autoscaling"]!["backlog"] = new JsonObject());
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(cluster.Server.TryGet(KnownResources.KedaScaledObjects, "team", "demo-aggregator"));
        Assert.Null(cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-aggregator"));

        // And back: the ScaledObject goes before the HPA comes (KEDA would delete its own HPA with it).
        cluster.EditPipeline("team", "demo", p => p["spec"]!["aggregator"]!["autoscaling"]!.AsObject().Remove("backlog"));
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(cluster.Server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-aggregator"));
        Assert.Null(cluster.Server.TryGet(KnownResources.KedaScaledObjects, "team", "demo-aggregator"));
    }

    /// <summary>
    /// The server-side apply rules the tests above rely on, pinned on the fake API server itself: a field an applier
    /// stops applying is removed (and defaulted again) unless another manager owns it, in which case it stays.
    /// </summary>
    [Fact]
    public void The_fake_api_server_keeps_a_dropped_field_only_when_another_manager_owns_it()
    {
        var server = new FakeApiServer();
        server.AddAdmission(KnownResources.Deployments, obj =>
        {
            if (obj["spec"] is JsonObject spec && spec["replicas"] is null)
            {
                spec["replicas"] = 1;
            }
            return (obj, []);
        });
        JsonObject Deployment(int? replicas)
        {
            var spec = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "x" } } };
            if (replicas is { } count)
            {
                spec["replicas"] = count;
            }
            return new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "d", ["namespace"] = "team" }, ["spec"] = spec };
        }

        server.Apply(KnownResources.Deployments, Deployment(3), "op", force: true);
        server.Apply(KnownResources.Deployments, Deployment(null), "op", force: true);
        Assert.Equal(1, server.Get(KnownResources.Deployments, "team", "d")["spec"].GetLong("replicas"));

        server.Apply(KnownResources.Deployments, Deployment(3), "op", force: true);
        Scale(server, "d", 5);
        server.Apply(KnownResources.Deployments, Deployment(null), "op", force: true);
        Assert.Equal(5, server.Get(KnownResources.Deployments, "team", "d")["spec"].GetLong("replicas"));
        Assert.Contains("f:spec\nf:replicas", server.Managers(KnownResources.Deployments, "team", "d")["kubectl"].Fields);
    }

    /// <summary>What `kubectl scale` does: an update of spec.replicas (through the scale subresource) by its own manager.</summary>
    private static void Scale(FakeApiServer server, string deployment, int replicas)
    {
        for (var attempt = 0; ; attempt++)
        {
            var live = server.Get(KnownResources.Deployments, "team", deployment);
            live["spec"]!["replicas"] = replicas;
            try
            {
                server.Update(KnownResources.Deployments, live, "kubectl");
                return;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 20)
            {
                // The operator or the Deployment controller wrote meanwhile; read again, as kubectl would.
            }
        }
    }
}
