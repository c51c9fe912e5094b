using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>spec.processing: the processor's Deployment, ConfigMap, Subscription, topics, scopes and hash key.</summary>
public sealed class ProcessingRenderingTests
{
    private const string Base = "  pubsub:\n    type: redis\n    topic: logs\n    redis: {host: \"redis:6379\", passwordSecretKeyRef: {name: redis, key: password}}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    private const string Rules = """
          processing:
            replicas: 2
            resources: {requests: {cpu: 100m}}
            mapping: {fields: {severity: [loglevel]}, separator: "_"}
            transforms:
              - sample: {rate: 0.25}
                when: 'severity == debug'
              - rename: {to: user.name, from: user}
            redaction:
              presets: [email]
              mode: mask

        """;

    private static RenderResult RenderSpec(string extra = "") => Render(Pipeline(Base + extra));

    private static string? Value(Dictionary<string, JsonObject> env, string name) => env.TryGetValue(name, out var e) ? e["value"]?.GetValue<string>() : null;

    private static List<string> Names(RenderResult result) => result.Objects.Select(o => $"{o.Type.Kind}/{o.Name}").ToList();

    [Fact]
    public void Processor_runs_the_aggregator_image_in_the_processor_role_reading_the_raw_topic_with_the_rules_mounted()
    {
        var result = RenderSpec("  aggregator:\n    image: ghcr.io/logdapr/aggregator:1.2.3\n" + Rules);
        var processor = Find(result, KnownResources.Deployments, "p-processor");
        var pod = processor["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("processor", container["name"]!.GetValue<string>());
        Assert.Equal("ghcr.io/logdapr/aggregator:1.2.3", container["image"]!.GetValue<string>());
        Assert.Equal(2, processor["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("100m", container["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("p-processor", Annotation(processor, "dapr.io/app-id"));
        Assert.Equal("p-app-token", Annotation(processor, AppToken.Annotation));
        Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());

        var env = Env(processor);
        Assert.Equal("Processor", Value(env, "Aggregator__Role"));
        Assert.Equal("logs", Value(env, "Pipeline__Topic"));
        Assert.Equal("logs-processed", Value(env, "Processing__OutputTopic"));
        Assert.Equal("/etc/logdapr/processing/processing.yaml", Value(env, "Processing__RulesFile"));
        Assert.False(env.ContainsKey("Processing__HashKey"));

        var mount = container["volumeMounts"]!.AsArray().Single(m => m!["mountPath"]!.GetValue<string>() == "/etc/logdapr/processing")!;
        Assert.True(mount["readOnly"]!.GetValue<bool>());
        var volume = pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())!;
        Assert.Equal("p-processing", volume["configMap"]!["name"]!.GetValue<string>());

        Assert.Contains("Service/p-processor", Names(result));
        Assert.Contains("PodDisruptionBudget/p-processor", Names(result));
        Assert.Equal("logs-processed", result.ProcessedTopic);
    }

    [Fact]
    public void Rules_document_is_the_rule_fields_only_with_sorted_keys_and_its_checksum_is_on_the_pod_template()
    {
        var result = RenderSpec(Rules);
        var configMap = Find(result, KnownResources.ConfigMaps, "p-processing");
        var text = configMap["data"]!["processing.yaml"]!.GetValue<string>();
        var rules = JsonNode.Parse(text)!.AsObject();
        // The operator's own fields are not rules: the processor's parser refuses unknown keys.
        Assert.Equal(["mapping", "redaction", "transforms"], rules.Select(p => p.Key));
        Assert.Equal(["from", "to"], rules["transforms"]![1]!["rename"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["sample", "when"], rules["transforms"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(0.25, rules["transforms"]![0]!["sample"]!["rate"]!.GetValue<double>());
        Assert.Equal("severity == debug", rules["transforms"]![0]!["when"]!.GetValue<string>());
        Assert.Equal("mask", rules["redaction"]!["mode"]!.GetValue<string>());
        Assert.Equal("loglevel", rules["mapping"]!["fields"]!["severity"]![0]!.GetValue<string>());
        Assert.Equal(text, ProcessingRules.Json(LogDapr.Operator.Entities.LogPipelineDocuments.Parse(Pipeline(Base + Rules)).Single().Spec.Processing!));

        var processor = Find(result, KnownResources.Deployments, "p-processor");
        Assert.Equal(MountedDocument.Checksum(text), Annotation(processor, ProcessingRules.ChecksumAnnotation));
    }

    [Fact]
    public void A_rules_change_changes_only_the_processor_pod_templates_rules_checksum()
    {
        var beforeResult = RenderSpec(Rules);
        var afterResult = RenderSpec(Rules.Replace("rate: 0.25", "rate: 0.5", StringComparison.Ordinal));
        // The aggregator and the store do not restart for a rules change.
        foreach (var name in new[] { "p-aggregator", "p-store", "p-ingest" })
        {
            Assert.True(JsonNode.DeepEquals(Find(beforeResult, KnownResources.Deployments, name), Find(afterResult, KnownResources.Deployments, name)), name);
        }
        var before = Find(beforeResult, KnownResources.Deployments, "p-processor");
        var after = Find(afterResult, KnownResources.Deployments, "p-processor");
        Assert.NotEqual(Annotation(before, ProcessingRules.ChecksumAnnotation), Annotation(after, ProcessingRules.ChecksumAnnotation));
        PodAnnotations(after)[ProcessingRules.ChecksumAnnotation] = Annotation(before, ProcessingRules.ChecksumAnnotation);
        Assert.True(JsonNode.DeepEquals(before, after));

        // Key order in the spec does not matter: the same rules give the same checksum (no needless rollout).
        var reordered = Find(RenderSpec(Rules.Replace("mapping: {fields: {severity: [loglevel]}, separator: \"_\"}", "mapping: {separator: \"_\", fields: {severity: [loglevel]}}", StringComparison.Ordinal)), KnownResources.Deployments, "p-processor");
        Assert.Equal(Annotation(before, ProcessingRules.ChecksumAnnotation), Annotation(reordered, ProcessingRules.ChecksumAnnotation));
    }

    [Fact]
    public void Ingest_mounts_the_rules_and_reads_their_mapping_with_the_mappings_checksum_on_its_pod_template()
    {
        var result = RenderSpec(Rules);
        var ingest = Find(result, KnownResources.Deployments, "p-ingest");
        var pod = ingest["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;

        Assert.Equal("/etc/logdapr/processing/processing.yaml", Value(Env(ingest), "Ingest__FieldMappingFile"));
        var mount = container["volumeMounts"]!.AsArray().Single(m => m!["mountPath"]!.GetValue<string>() == "/etc/logdapr/processing")!;
        Assert.True(mount["readOnly"]!.GetValue<bool>());
        var volume = pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())!;
        Assert.Equal("p-processing", volume["configMap"]!["name"]!.GetValue<string>());
        // The checksum is the mapping section's alone, not the whole document's.
        Assert.Equal(MountedDocument.Checksum("""{"fields":{"severity":["loglevel"]},"separator":"_"}"""), Annotation(ingest, ProcessingRules.MappingChecksumAnnotation));
        Assert.Null(Annotation(ingest, ProcessingRules.ChecksumAnnotation));
    }

    [Fact]
    public void A_mapping_change_rolls_ingest_and_a_redaction_change_does_not()
    {
        var before = Find(RenderSpec(Rules), KnownResources.Deployments, "p-ingest");
        var mappingChanged = Find(RenderSpec(Rules.Replace("[loglevel]", "[loglevel, lvl_name]", StringComparison.Ordinal)), KnownResources.Deployments, "p-ingest");
        var separatorChanged = Find(RenderSpec(Rules.Replace("separator: \"_\"", "separator: \"/\"", StringComparison.Ordinal)), KnownResources.Deployments, "p-ingest");
        var redactionChangedResult = RenderSpec(Rules.Replace("presets: [email]", "presets: [email, ipv4]", StringComparison.Ordinal));

        Assert.NotEqual(Annotation(before, ProcessingRules.MappingChecksumAnnotation), Annotation(mappingChanged, ProcessingRules.MappingChecksumAnnotation));
        Assert.NotEqual(Annotation(before, ProcessingRules.MappingChecksumAnnotation), Annotation(separatorChanged, ProcessingRules.MappingChecksumAnnotation));
        PodAnnotations(mappingChanged)[ProcessingRules.MappingChecksumAnnotation] = Annotation(before, ProcessingRules.MappingChecksumAnnotation);
        Assert.True(JsonNode.DeepEquals(before, mappingChanged));
        // A redaction change rolls the processor only.
        Assert.True(JsonNode.DeepEquals(before, Find(redactionChangedResult, KnownResources.Deployments, "p-ingest")));
        Assert.NotEqual(
            Annotation(Find(RenderSpec(Rules), KnownResources.Deployments, "p-processor"), ProcessingRules.ChecksumAnnotation),
            Annotation(Find(redactionChangedResult, KnownResources.Deployments, "p-processor"), ProcessingRules.ChecksumAnnotation));
    }

    [Theory]
    [InlineData("  processing:\n    redaction: {presets: [email]}\n")]
    [InlineData("  processing:\n    enabled: false\n    mapping: {fields: {severity: [loglevel]}}\n")]
    [InlineData("")]
    public void Without_a_mapping_in_effect_ingest_neither_mounts_the_rules_nor_carries_a_mapping_checksum(string processing)
    {
        var ingest = Find(RenderSpec(processing), KnownResources.Deployments, "p-ingest");

        Assert.False(Env(ingest).ContainsKey("Ingest__FieldMappingFile"));
        Assert.DoesNotContain(ingest["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"]?.AsArray() ?? [],
            m => m!["mountPath"]!.GetValue<string>() == "/etc/logdapr/processing");
        Assert.Null(Annotation(ingest, ProcessingRules.MappingChecksumAnnotation));
    }

    [Fact]
    public void Counter_and_store_read_the_processed_topic_and_the_processor_subscribes_to_the_raw_one()
    {
        var result = RenderSpec(Rules);
        Assert.Equal("logs-processed", Value(Env(Find(result, KnownResources.Deployments, "p-aggregator")), "Pipeline__Topic"));
        Assert.Equal("logs-processed", Value(Env(Find(result, KnownResources.Deployments, "p-store")), "Pipeline__Topic"));
        Assert.Equal("logs", Value(Env(Find(result, KnownResources.Deployments, "p-ingest")), "Pipeline__Topic"));
        // A replayed dead letter goes back through processing.
        Assert.Equal("logs", Value(Env(Find(result, KnownResources.Deployments, "p-aggregator")), "Pipeline__ReplayTopic"));

        var logs = Find(result, KnownResources.DaprSubscriptions, "p-logs");
        Assert.Equal("logs-processed", logs["spec"]!["topic"]!.GetValue<string>());
        Assert.Equal(["p-aggregator"], Scopes(logs));
        var store = Find(result, KnownResources.DaprSubscriptions, "p-store-logs");
        Assert.Equal("logs-processed", store["spec"]!["topic"]!.GetValue<string>());
        var processor = Find(result, KnownResources.DaprSubscriptions, "p-processor-logs");
        Assert.Equal("logs", processor["spec"]!["topic"]!.GetValue<string>());
        Assert.Equal(["p-processor"], Scopes(processor));
        Assert.Equal("p-pubsub", processor["spec"]!["pubsubname"]!.GetValue<string>());
    }

    [Fact]
    public void Processor_is_in_the_component_scopes_with_its_topic_grants()
    {
        var result = RenderSpec(Rules);
        var pubsub = Find(result, KnownResources.DaprComponents, "p-pubsub");
        Assert.Contains("p-processor", Scopes(pubsub));
        var metadata = ComponentMetadata(pubsub);
        Assert.Equal("logs,logs-processed,logs-deadletter,logs-audit", metadata["allowedTopics"]);
        Assert.Equal("logs,logs-processed,logs-deadletter,logs-audit", metadata["protectedTopics"]);
        Assert.Equal("{appID}", metadata["consumerID"]);
        var publishing = metadata["publishingScopes"].Split(';');
        Assert.Contains("p-ingest=logs,logs-audit", publishing);
        Assert.Contains("p-processor=logs-processed,logs-deadletter", publishing);
        // The counter replays dead letters onto the raw topic, to be processed again.
        Assert.Contains("p-aggregator=logs,logs-deadletter", publishing);
        var subscribing = metadata["subscriptionScopes"].Split(';');
        Assert.Contains("p-processor=logs", subscribing);
        Assert.Contains("p-store=logs-processed", subscribing);
        Assert.Contains("p-aggregator=logs-processed,logs-deadletter,logs-audit", subscribing);

        Assert.Contains("p-processor", Scopes(Find(result, KnownResources.DaprComponents, "p-state")));
        Assert.Equal(["p-aggregator", "p-store", "p-processor"], Scopes(Find(result, KnownResources.DaprComponents, "p-postgres")));
    }

    [Fact]
    public void Hash_mode_without_a_key_reference_uses_the_generated_redaction_key_secret()
    {
        var result = RenderSpec("  processing:\n    redaction: {presets: [email], mode: hash}\n");
        var env = Env(Find(result, KnownResources.Deployments, "p-processor"));
        var reference = env["Processing__HashKey"]["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal("p-redaction-key", reference["name"]!.GetValue<string>());
        Assert.Equal("hash-key", reference["key"]!.GetValue<string>());
        Assert.Equal("p-redaction-key", result.GeneratedRedactionKeySecret);
        Assert.Contains("p-redaction-key", result.GeneratedSecrets);
        Assert.DoesNotContain(result.SecretReferences, s => s.SecretName == "p-redaction-key");
        // The key is a Secret reference, never rules content.
        Assert.DoesNotContain("hashKey", Find(result, KnownResources.ConfigMaps, "p-processing")["data"]!["processing.yaml"]!.GetValue<string>(), StringComparison.Ordinal);

        var key = RedactionKey.NewKey();
        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.NotEqual(key, RedactionKey.NewKey());
    }

    [Fact]
    public void Hash_mode_with_a_key_reference_uses_it_and_requires_it_to_exist()
    {
        var result = RenderSpec("  processing:\n    redaction: {presets: [email], mode: hash, hashKeySecretRef: {name: keys, key: redaction}}\n");
        var env = Env(Find(result, KnownResources.Deployments, "p-processor"));
        Assert.Equal("keys", env["Processing__HashKey"]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Null(result.GeneratedRedactionKeySecret);
        Assert.Contains(result.SecretReferences, s => s is { SecretName: "keys", Key: "redaction", FieldPath: "spec.processing.redaction.hashKeySecretRef" });
        Assert.DoesNotContain("keys", Find(result, KnownResources.ConfigMaps, "p-processing")["data"]!["processing.yaml"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  processing:\n    enabled: false\n    transforms: [{drop: true}]\n")]
    public void Without_processing_or_with_it_disabled_nothing_of_it_is_rendered(string extra)
    {
        var result = RenderSpec(extra);
        Assert.DoesNotContain(Names(result), n => n.Contains("processor", StringComparison.Ordinal) || n.Contains("processing", StringComparison.Ordinal));
        Assert.Equal("logs", Value(Env(Find(result, KnownResources.Deployments, "p-aggregator")), "Pipeline__Topic"));
        Assert.Equal("logs,logs-deadletter,logs-audit", ComponentMetadata(Find(result, KnownResources.DaprComponents, "p-pubsub"))["allowedTopics"]);
        Assert.Null(result.ProcessedTopic);
        Assert.Null(result.GeneratedRedactionKeySecret);
    }

    [Fact]
    public void Processor_autoscales_on_its_own_backlog_of_the_raw_topic_while_counter_and_store_scale_on_the_processed_topic()
    {
        var result = RenderSpec("""
              aggregator:
                autoscaling: {maxReplicas: 4, backlog: {}}
              storage:
                autoscaling: {maxReplicas: 4, backlog: {}}
              processing:
                autoscaling: {minReplicas: 2, maxReplicas: 6, backlog: {}}

            """);
        var processor = Find(result, KnownResources.KedaScaledObjects, "p-processor");
        var trigger = processor["spec"]!["triggers"]![0]!["metadata"]!;
        Assert.Equal("logs", trigger["stream"]!.GetValue<string>());
        Assert.Equal("p-processor", trigger["consumerGroup"]!.GetValue<string>());
        Assert.Equal(6, processor["spec"]!["maxReplicaCount"]!.GetValue<int>());
        Assert.Equal("logs-processed", Find(result, KnownResources.KedaScaledObjects, "p-aggregator")["spec"]!["triggers"]![0]!["metadata"]!["stream"]!.GetValue<string>());
        Assert.Equal("logs-processed", Find(result, KnownResources.KedaScaledObjects, "p-store")["spec"]!["triggers"]![0]!["metadata"]!["stream"]!.GetValue<string>());
        // The autoscaler owns the replica count; two at the least, so a disruption budget.
        Assert.Null(Find(result, KnownResources.Deployments, "p-processor")["spec"]!["replicas"]);
        Assert.Contains("PodDisruptionBudget/p-processor", Names(result));
        // Not a rule: the processor's parser would refuse the key.
        Assert.DoesNotContain("autoscaling", Find(result, KnownResources.ConfigMaps, "p-processing")["data"]!["processing.yaml"]!.GetValue<string>(), StringComparison.Ordinal);

        var hpa = RenderSpec("  processing:\n    resources: {requests: {cpu: 100m}}\n    autoscaling: {maxReplicas: 3, targetCPUUtilizationPercentage: 70}\n");
        Assert.Equal("p-processor", Find(hpa, KnownResources.HorizontalPodAutoscalers, "p-processor")["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Processing_on_JetStream_needs_max_ack_pending_for_every_processor_replica()
    {
        const string JetStream = "  pubsub:\n    type: jetstream\n    jetstream: {natsURL: \"nats://nats:4222\", maxAckPending: 400}\n  stateStore: {type: postgresql}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";
        Assert.NotNull(Render(Pipeline(JetStream + "  processing: {replicas: 4}\n")));
        var e = Assert.Throws<InvalidPipelineException>(() => Render(Pipeline(JetStream + "  processing: {replicas: 5}\n")));
        Assert.Contains("times processing.replicas, or processing.autoscaling.maxReplicas while autoscaling (500)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Processing_with_a_fixed_consumer_group_or_a_clashing_dead_letter_topic_is_refused()
    {
        var group = Assert.Throws<InvalidPipelineException>(() => Render(Pipeline(Base.Replace("    topic: logs\n", "    topic: logs\n    consumerGroup: workers\n", StringComparison.Ordinal) + "  storage: {enabled: false}\n  processing: {}\n")));
        Assert.Contains("pubsub.consumerGroup (workers) cannot be set while spec.processing is enabled", group.Message, StringComparison.Ordinal);
        var topic = Assert.Throws<InvalidPipelineException>(() => RenderSpec("  deadLetter: {topic: logs-processed}\n  processing: {}\n"));

        // What the schema cannot see, the processor's own parser refuses, before anything is applied.
        var rules = Assert.Throws<InvalidPipelineException>(() => RenderSpec("  processing:\n    transforms:\n      - drop: true\n        when: 'sevrity == debug'\n"));
        Assert.Equal("InvalidProcessingRules", rules.Reason);
        Assert.Contains("spec.processing.transforms[0].when: column 1", rules.Message, StringComparison.Ordinal);
        Assert.Contains("deadLetter.topic must differ from logs-processed", topic.Message, StringComparison.Ordinal);
    }
}
