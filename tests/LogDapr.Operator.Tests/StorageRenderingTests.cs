using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>spec.storage: the store's Deployment, Service, Subscription, scopes, consumer groups, retention and archive.</summary>
public sealed class StorageRenderingTests
{
    private const string Base = "  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\", passwordSecretKeyRef: {name: redis, key: password}}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    private static RenderResult RenderSpec(string extra = "") => Render(Pipeline(Base + extra));

    private static IEnumerable<string> StoreNamed(RenderResult result) =>
        result.Objects.Where(o => o.Name.StartsWith("p-store", StringComparison.Ordinal) || o.Name == "p-archive").Select(o => $"{o.Type.Kind}/{o.Name}");

    private static string? Value(Dictionary<string, JsonObject> env, string name) => env.TryGetValue(name, out var e) ? e["value"]?.GetValue<string>() : null;

    [Fact]
    public void Storage_is_on_by_default_and_runs_the_aggregator_image_in_the_store_role_under_its_own_app_id()
    {
        var result = RenderSpec("  aggregator:\n    image: ghcr.io/logdapr/aggregator:1.2.3\n    imagePullPolicy: Always\n");
        var store = Find(result, KnownResources.Deployments, "p-store");
        var container = store["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("store", container["name"]!.GetValue<string>());
        Assert.Equal("ghcr.io/logdapr/aggregator:1.2.3", container["image"]!.GetValue<string>());
        Assert.Equal("Always", container["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal("p-store", Annotation(store, "dapr.io/app-id"));
        // The same HTTP app as the aggregator: same app token (its /dapr/* routes check it) and app health checks.
        Assert.Equal("p-app-token", Annotation(store, AppToken.Annotation));
        Assert.Equal("true", Annotation(store, "dapr.io/enable-app-health-check"));
        Assert.NotNull(Annotation(store, PodChecksums.DaprConfigAnnotation));

        var env = Env(store);
        Assert.Equal("Store", Value(env, "Aggregator__Role"));
        Assert.Equal("p-cursor-key", env["Store__CursorKey"]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Equal(CursorKey.SecretKey, env["Store__CursorKey"]["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
        Assert.Equal("false", Value(env, "Store__Archive__Enabled"));
        Assert.False(env.ContainsKey("Store__Archive__BindingName"));
        Assert.Equal("p-app-token", env[AppToken.EnvironmentVariable]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());

        // Every Pipeline__* and Postgres__* setting of the aggregator, identical.
        var aggregatorEnv = Env(Find(result, KnownResources.Deployments, "p-aggregator"));
        var shared = aggregatorEnv.Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal) || k.StartsWith("Postgres__", StringComparison.Ordinal)).ToList();
        Assert.Contains("Pipeline__BindingName", shared);
        Assert.Contains("Postgres__ConnectionString", shared);
        foreach (var key in shared)
        {
            Assert.True(JsonNode.DeepEquals(aggregatorEnv[key], env[key]), $"{key} differs between the aggregator and the store");
        }
        // The aggregator stays the counter: no role, no cursor key.
        Assert.False(aggregatorEnv.ContainsKey("Aggregator__Role"));
        Assert.False(aggregatorEnv.ContainsKey("Store__CursorKey"));
        Assert.Equal("p-cursor-key", result.GeneratedCursorKeySecret);
    }

    [Fact]
    public void The_store_Service_exposes_the_query_port_so_v1_logs_is_reachable()
    {
        var result = RenderSpec();
        var service = Find(result, KnownResources.Services, "p-store");
        var port = service["spec"]!["ports"]![0]!;
        Assert.Equal(PipelineDefaults.AggregatorPort, port["port"]!.GetValue<int>());
        Assert.Equal(WorkloadRenderer.HttpPortName, port["targetPort"]!.GetValue<string>());
        Assert.Equal("store", service["spec"]!["selector"]![PipelineLabels.Component]!.GetValue<string>());
        Assert.Equal($"http://p-store.ns.svc.cluster.local:{PipelineDefaults.AggregatorPort}", result.LogsEndpoint);
    }

    [Fact]
    public void The_store_subscribes_to_the_logs_topic_like_the_aggregator_but_not_to_dead_letters()
    {
        var result = RenderSpec("  aggregator:\n    bulkSubscribe: {maxMessagesCount: 250, maxAwaitDurationMs: 800}\n");
        var aggregator = Find(result, KnownResources.DaprSubscriptions, "p-logs");
        var store = Find(result, KnownResources.DaprSubscriptions, "p-store-logs");
        Assert.True(JsonNode.DeepEquals(aggregator["spec"], store["spec"]), $"{aggregator["spec"]} vs {store["spec"]}");
        Assert.Equal(PipelineDefaults.LogsRoute, store["spec"]!["routes"]!["default"]!.GetValue<string>());
        Assert.Equal(250, store["spec"]!["bulkSubscribe"]!["maxMessagesCount"]!.GetValue<int>());
        Assert.Equal(["p-store"], Scopes(store));
        var storeSubscriptions = result.Objects.Where(o => o.Type == KnownResources.DaprSubscriptions && Scopes(o.Object).Contains("p-store")).ToList();
        Assert.Single(storeSubscriptions);
    }

    [Fact]
    public void Each_app_reads_in_a_consumer_group_named_after_its_app_id()
    {
        var on = ComponentMetadata(Find(RenderSpec(), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("{appID}", on["consumerID"]);
        var pubsub = Find(RenderSpec(), KnownResources.DaprComponents, "p-pubsub");
        Assert.Contains("p-store", Scopes(pubsub));
        Assert.Equal(["p-aggregator", "p-store"], Scopes(Find(RenderSpec(), KnownResources.DaprComponents, "p-postgres")));
        Assert.Equal(["p-aggregator", "p-store"], Scopes(Find(RenderSpec(), KnownResources.DaprResiliencies, "p-resiliency")));

        // Without the store the aggregator's group keeps its literal name, as before the store existed.
        var off = ComponentMetadata(Find(RenderSpec("  storage: {enabled: false}\n"), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("p-aggregator", off["consumerID"]);
    }

    [Fact]
    public void A_fixed_consumer_group_is_refused_while_the_store_runs_and_kept_without_it()
    {
        var refused = Assert.Throws<InvalidPipelineException>(() => Render(Pipeline(Base.Replace("type: redis\n", "type: redis\n    consumerGroup: workers\n", StringComparison.Ordinal))));
        Assert.Contains("pubsub.consumerGroup (workers) cannot be set while storage.enabled is true", refused.Message, StringComparison.Ordinal);

        var off = Render(Pipeline(Base.Replace("type: redis\n", "type: redis\n    consumerGroup: workers\n", StringComparison.Ordinal) + "  storage: {enabled: false}\n"));
        Assert.Equal("workers", ComponentMetadata(Find(off, KnownResources.DaprComponents, "p-pubsub"))["consumerID"]);
    }

    [Fact]
    public void Retention_reaches_both_roles_with_per_tenant_overrides_by_index()
    {
        var result = RenderSpec("""
              storage:
                retention:
                  eventsDays: 14
                  countsDays: 500
                  deadLettersDays: 60
                  tenants:
                    - {tenant: acme, eventsDays: 30}
                    - {tenant: globex, countsDays: 90, deadLettersDays: 7}
            """);
        foreach (var name in new[] { "p-aggregator", "p-store" })
        {
            var env = Env(Find(result, KnownResources.Deployments, name));
            Assert.Equal("14", Value(env, "Store__Retention__EventsDays"));
            Assert.Equal("500", Value(env, "Store__Retention__CountsDays"));
            Assert.Equal("60", Value(env, "Store__Retention__DeadLettersDays"));
            Assert.Equal("acme", Value(env, "Store__Retention__Tenants__0__Tenant"));
            Assert.Equal("30", Value(env, "Store__Retention__Tenants__0__EventsDays"));
            // A field left out is left out: the service falls back to the default.
            Assert.False(env.ContainsKey("Store__Retention__Tenants__0__CountsDays"));
            Assert.Equal("globex", Value(env, "Store__Retention__Tenants__1__Tenant"));
            Assert.Equal("90", Value(env, "Store__Retention__Tenants__1__CountsDays"));
            Assert.Equal("7", Value(env, "Store__Retention__Tenants__1__DeadLettersDays"));
            Assert.False(env.ContainsKey("Store__Retention__Tenants__1__EventsDays"));
        }

        var defaults = Env(Find(RenderSpec(), KnownResources.Deployments, "p-aggregator"));
        Assert.Equal(("7", "400", "30"), (Value(defaults, "Store__Retention__EventsDays"), Value(defaults, "Store__Retention__CountsDays"), Value(defaults, "Store__Retention__DeadLettersDays")));
    }

    private const string S3Archive = """
          storage:
            archive:
              type: bindings.aws.s3
              metadata:
                - {name: bucket, value: logs-archive}
                - {name: region, value: eu-west-1}
                - {name: secretKey, secretKeyRef: {name: s3, key: secret}}
        """;

    [Fact]
    public void The_archive_becomes_a_binding_only_the_store_loads()
    {
        var result = RenderSpec(S3Archive);
        var archive = Find(result, KnownResources.DaprComponents, "p-archive");
        Assert.Equal("bindings.aws.s3", archive["spec"]!["type"]!.GetValue<string>());
        Assert.Equal("v1", archive["spec"]!["version"]!.GetValue<string>());
        Assert.Equal(["p-store"], Scopes(archive));
        var metadata = ComponentMetadata(archive);
        Assert.Equal(("logs-archive", "eu-west-1", "secret:s3/secret"), (metadata["bucket"], metadata["region"], metadata["secretKey"]));
        // The Secret key must exist before anything is applied, like every other reference.
        Assert.Contains(result.SecretReferences, r => r is { SecretName: "s3", Key: "secret", FieldPath: "spec.storage.archive.metadata[2].secretKeyRef" });

        var env = Env(Find(result, KnownResources.Deployments, "p-store"));
        Assert.Equal("true", Value(env, "Store__Archive__Enabled"));
        Assert.Equal("p-archive", Value(env, "Store__Archive__BindingName"));

        // Only the store's sidecar loads it: only the store's pods restart when it changes.
        var other = RenderSpec(S3Archive.Replace("logs-archive", "other-bucket", StringComparison.Ordinal));
        Assert.NotEqual(Annotation(Find(result, KnownResources.Deployments, "p-store"), PodChecksums.DaprConfigAnnotation), Annotation(Find(other, KnownResources.Deployments, "p-store"), PodChecksums.DaprConfigAnnotation));
        Assert.Equal(Annotation(Find(result, KnownResources.Deployments, "p-aggregator"), PodChecksums.DaprConfigAnnotation), Annotation(Find(other, KnownResources.Deployments, "p-aggregator"), PodChecksums.DaprConfigAnnotation));
        Assert.DoesNotContain(RenderSpec().Objects, o => o.Name == "p-archive");
    }

    [Theory]
    [InlineData("bindings.http")]
    [InlineData("bindings.postgresql")]
    [InlineData("state.redis")]
    public void An_archive_type_outside_the_allow_list_is_refused_with_its_own_reason(string type)
    {
        var refused = Assert.Throws<InvalidPipelineException>(() => RenderSpec(S3Archive.Replace("bindings.aws.s3", type, StringComparison.Ordinal)));
        Assert.Equal(PipelineConditions.Reasons.UnsupportedArchiveType, refused.Reason);
        Assert.Contains($"storage.archive.type \"{type}\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("bindings.aws.s3, bindings.azure.blobstorage, bindings.gcp.bucket, bindings.localstorage", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_without_the_metadata_its_binding_requires_is_refused()
    {
        var refused = Assert.Throws<InvalidPipelineException>(() => RenderSpec("""
              storage:
                archive:
                  type: bindings.azure.blobstorage
                  metadata: [{name: accountName, value: logs}]
            """));
        Assert.Contains("storage.archive.metadata needs containerName for bindings.azure.blobstorage", refused.Message, StringComparison.Ordinal);

        var both = Assert.Throws<InvalidPipelineException>(() => RenderSpec("""
              storage:
                archive:
                  type: bindings.localstorage
                  metadata: [{name: rootPath, value: /archive, secretKeyRef: {name: a, key: b}}]
            """));
        Assert.Contains("needs exactly one of value and secretKeyRef", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_off_renders_none_of_the_store_objects()
    {
        var result = RenderSpec("""
              networkPolicy: {enabled: true}
              storage:
                enabled: false
                replicas: 3
                autoscaling: {minReplicas: 2, maxReplicas: 4, backlog: {targetPerReplica: 100}}
                archive:
                  type: bindings.localstorage
                  metadata: [{name: rootPath, value: /archive}]
            """);
        Assert.Empty(StoreNamed(result));
        Assert.DoesNotContain(result.Objects, o => o.Object["scopes"] is JsonArray scopes && scopes.Any(s => s!.GetValue<string>() == "p-store"));
        Assert.DoesNotContain("p-store", ComponentMetadata(Find(result, KnownResources.DaprComponents, "p-pubsub"))["subscriptionScopes"], StringComparison.Ordinal);
        Assert.Null(result.GeneratedCursorKeySecret);
        Assert.Null(result.LogsEndpoint);
        // The counter still applies counts and dead-letter retention.
        Assert.Equal("400", Value(Env(Find(result, KnownResources.Deployments, "p-aggregator")), "Store__Retention__CountsDays"));

        var on = RenderSpec("  networkPolicy: {enabled: true}\n  storage: {replicas: 3, autoscaling: {minReplicas: 2, maxReplicas: 4, backlog: {targetPerReplica: 100}}, archive: {type: bindings.localstorage, metadata: [{name: rootPath, value: /archive}]}}\n");
        string[] expected = ["Component/p-archive", "Subscription/p-store-logs", "Service/p-store", "Deployment/p-store", "PodDisruptionBudget/p-store", "NetworkPolicy/p-store", "TriggerAuthentication/p-store-keda", "ScaledObject/p-store"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), StoreNamed(on).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_store_scales_on_the_backlog_of_its_own_consumer_group()
    {
        var result = RenderSpec("  storage:\n    autoscaling: {minReplicas: 1, maxReplicas: 6, backlog: {targetPerReplica: 300}}\n");
        var scaled = Find(result, KnownResources.KedaScaledObjects, "p-store");
        Assert.Equal("p-store", scaled["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
        var trigger = scaled["spec"]!["triggers"]![0]!;
        Assert.Equal("redis-streams", trigger["type"]!.GetValue<string>());
        Assert.Equal("p-store", trigger["metadata"]!["consumerGroup"]!.GetValue<string>());
        Assert.Equal("300", trigger["metadata"]!["lagCount"]!.GetValue<string>());
        Assert.Equal("p-store-keda", trigger["authenticationRef"]!["name"]!.GetValue<string>());
        Assert.False(Find(result, KnownResources.Deployments, "p-store")["spec"]!.AsObject().ContainsKey("replicas"));
        // The aggregator is not autoscaled and keeps its replicas.
        Assert.DoesNotContain(result.Objects, o => o.Name == "p-aggregator" && o.Type == KnownResources.KedaScaledObjects);
        Assert.Equal(1, Find(result, KnownResources.Deployments, "p-aggregator")["spec"]!["replicas"]!.GetValue<int>());

        var hpa = Find(RenderSpec("  storage:\n    autoscaling: {maxReplicas: 5, targetCPUUtilizationPercentage: 70}\n"), KnownResources.HorizontalPodAutoscalers, "p-store");
        Assert.Equal("store", hpa["spec"]!["metrics"]![0]!["containerResource"]!["container"]!.GetValue<string>());
        Assert.Equal("p-store", hpa["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Kafka_backlog_scaling_of_the_store_reads_the_user_name_from_the_store_container()
    {
        var result = Render(Samples.Read("kafka-autoscaling.yaml").Replace("  aggregator:\n", "  storage:\n    autoscaling: {minReplicas: 1, maxReplicas: 3, backlog: {targetPerReplica: 100}}\n  aggregator:\n", StringComparison.Ordinal));
        var auth = Find(result, KnownResources.KedaTriggerAuthentications, "events-store-keda")["spec"]!;
        var env = Assert.Single(auth["env"]!.AsArray().OfType<JsonObject>());
        Assert.Equal(("username", "store"), (env["parameter"]!.GetValue<string>(), env["containerName"]!.GetValue<string>()));
        Assert.Equal("logdapr", Value(Env(Find(result, KnownResources.Deployments, "events-store")), AutoscalingRenderer.KafkaUsernameEnv));
        var trigger = Find(result, KnownResources.KedaScaledObjects, "events-store")["spec"]!["triggers"]![0]!;
        Assert.Equal("events-store", trigger["metadata"]!["consumerGroup"]!.GetValue<string>());
    }

    [Fact]
    public void JetStream_max_ack_pending_must_hold_a_batch_per_store_replica_too()
    {
        const string JetStream = "  stateStore: {type: postgresql}\n  pubsub:\n    type: jetstream\n    jetstream: {natsURL: \"nats://nats:4222\", maxAckPending: 400}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";
        var refused = Assert.Throws<InvalidPipelineException>(() => Render(Pipeline(JetStream + "  storage: {replicas: 5}\n")));
        Assert.Contains("storage.replicas", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Render(Pipeline(JetStream + "  storage: {replicas: 4}\n")).Objects, o => o.Name == "p-store");
    }

    [Fact]
    public void Store_pod_settings_reach_only_the_store_and_reserved_keys_name_the_storage_field()
    {
        var result = RenderSpec("  storage:\n    replicas: 2\n    pod: {labels: {team: search}, priorityClassName: high}\n    resources: {requests: {cpu: 750m}}\n");
        var template = Find(result, KnownResources.Deployments, "p-store")["spec"]!["template"]!;
        Assert.Equal("search", template["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("high", template["spec"]!["priorityClassName"]!.GetValue<string>());
        Assert.Equal("750m", template["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Null(Find(result, KnownResources.Deployments, "p-aggregator")["spec"]!["template"]!["metadata"]!["labels"]!["team"]);
        Assert.NotNull(Find(result, KnownResources.PodDisruptionBudgets, "p-store"));

        var refused = Assert.Throws<InvalidPipelineException>(() => RenderSpec("  storage:\n    pod: {annotations: {dapr.io/app-id: other}}\n"));
        Assert.Contains("storage.pod.annotations", refused.Message, StringComparison.Ordinal);
    }
}

/// <summary>spec.storage against the CRD schema, for what an InvalidSamples file cannot show compactly.</summary>
public sealed class StorageSchemaTests
{
    private static readonly Support.CrdValidation.StructuralSchemaValidator Validator =
        Support.CrdValidation.StructuralSchemaValidator.FromCrd(LogDapr.Formats.Yaml.YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject());

    private static IReadOnlyList<string> Errors(int tenants)
    {
        var list = string.Join("\n", Enumerable.Range(0, tenants).Select(i => $"        - {{tenant: t{i}, eventsDays: 3}}"));
        var yaml = Rendered.Pipeline("  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\"}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n  storage:\n    retention:\n      tenants:\n" + list + "\n");
        return Validator.Validate(LogDapr.Formats.Yaml.YamlDocuments.Parse(yaml)[0].AsObject()).Errors;
    }

    [Fact]
    public void The_tenant_overrides_are_bounded()
    {
        Assert.Empty(Errors(RetentionSpec.MaxTenants));
        Assert.Contains(Errors(RetentionSpec.MaxTenants + 1), e => e.Contains("spec.storage.retention.tenants: Too many: 101: must have at most 100 items", StringComparison.Ordinal));
    }

    [Fact]
    public void Storage_defaults_to_on_with_the_documented_retention()
    {
        var (defaulted, errors) = Validator.Validate(LogDapr.Formats.Yaml.YamlDocuments.Parse(Rendered.Pipeline("  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\"}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n"))[0].AsObject());
        Assert.Empty(errors);
        var storage = defaulted["spec"]!["storage"]!;
        Assert.True(storage["enabled"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"eventsDays": 7, "countsDays": 400, "deadLettersDays": 30}"""), storage["retention"]), storage["retention"]!.ToJsonString());
    }
}
