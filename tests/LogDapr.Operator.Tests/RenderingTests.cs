using System.Text.Json.Nodes;
using LogDapr.Configuration;
using LogDapr.Configuration.Pipeline;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>The contract with the services: names, environment, probes, Dapr wiring. Built from the shared constants.</summary>
public sealed class RenderingTests
{
    private static RenderResult Render(string sample, string? uid = null)
    {
        var pipeline = LogPipelineDocuments.Parse(Samples.Read(sample)).Single();
        pipeline.Metadata.Uid = uid;
        return PipelineRenderer.Render(pipeline);
    }

    private static JsonObject Find(RenderResult result, ResourceType type, string name) =>
        result.Objects.Single(o => o.Type == type && o.Name == name).Object;

    private static Dictionary<string, JsonObject> Env(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().OfType<JsonObject>()
            .ToDictionary(e => e.GetString("name")!, e => e);

    private static string Var(string configKey) => configKey.Replace(":", "__", StringComparison.Ordinal);

    [Fact]
    public void Ingest_gets_every_configuration_key_it_reads()
    {
        var result = Render("kafka.yaml");
        var env = Env(Find(result, KnownResources.Deployments, "audit-ingest"));
        Assert.Equal("http://+:" + PipelineDefaults.IngestPort, env[ConfigKeys.Urls].GetString("value"));
        Assert.Equal("audit-pubsub", env[Var(ConfigKeys.PubSubName)].GetString("value"));
        Assert.Equal("audit-logs", env[Var(ConfigKeys.Topic)].GetString("value"));
        Assert.Equal("audit-state", env[Var(ConfigKeys.StateStoreName)].GetString("value"));
        Assert.Equal("00:00:02", env[Var(ConfigKeys.IngestPublishTimeout)].GetString("value"));
        foreach (var key in new[] { ConfigKeys.IngestMaxBodyBytes, ConfigKeys.IngestMaxEventsPerBatch, ConfigKeys.IngestMaxMessageBytes, ConfigKeys.IngestMaxAttributes })
        {
            Assert.True(int.TryParse(env[Var(key)].GetString("value"), out _), key);
        }
        Assert.Equal("true", env[Var(EdgeConfigKeys.AuthEnabled)].GetString("value"));
        Assert.Equal(EdgeConfigKeys.DefaultAuthKeysPath, env[Var(EdgeConfigKeys.AuthKeysPath)].GetString("value"));
        Assert.Equal("0.25", env[Var(EdgeConfigKeys.RateLimitLocalFallbackShare)].GetString("value"));
        Assert.Equal("audit-ratelimit-redis", env[Var(EdgeConfigKeys.RateLimitRedisConnectionString)]["valueFrom"]!["secretKeyRef"].GetString("name"));
        Assert.Equal("12:00:00", env[Var(EdgeConfigKeys.IdempotencyKeyTtl)].GetString("value"));
    }

    [Fact]
    public void Aggregator_gets_every_configuration_key_it_reads()
    {
        var result = Render("redis.yaml");
        var env = Env(Find(result, KnownResources.Deployments, "logs-aggregator"));
        Assert.Equal("http://+:" + PipelineDefaults.AggregatorPort, env[ConfigKeys.Urls].GetString("value"));
        Assert.Equal(PipelineDefaults.LogsTopic, env[Var(ConfigKeys.Topic)].GetString("value"));
        Assert.Equal(PipelineDefaults.DeadLetterTopic, env[Var(ConfigKeys.DeadLetterTopic)].GetString("value"));
        Assert.Equal("logs-postgres", env[Var(ConfigKeys.BindingName)].GetString("value"));
        Assert.Equal("00:01:00", env[Var(ConfigKeys.AggregatorBucketWidth)].GetString("value"));
        Assert.Equal("true", env[Var(ConfigKeys.AggregatorDeclarativeSubscriptions)].GetString("value"));
        Assert.Equal(PipelineDefaults.PostgresSchema, env[Var(ConfigKeys.PostgresSchema)].GetString("value"));
        Assert.NotNull(env[Var(ConfigKeys.AggregatorBulkMaxMessages)].GetString("value"));
        Assert.NotNull(env[Var(ConfigKeys.AggregatorBulkMaxAwaitMilliseconds)].GetString("value"));
        Assert.NotNull(env[Var(ConfigKeys.PostgresDedupRetentionDays)].GetString("value"));
        var connection = env[Var(ConfigKeys.PostgresConnectionString)]["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal(("logs-postgres", "connectionString"), (connection.GetString("name"), connection.GetString("key")));
        Assert.Null(env[Var(ConfigKeys.PostgresConnectionString)]["value"]);
    }

    [Fact]
    public void Workloads_have_dapr_annotations_probes_and_a_non_root_security_context()
    {
        var result = Render("jetstream.yaml");
        foreach (var (name, appId, port) in new[] { ("edge-ingest", "edge-ingest", PipelineDefaults.IngestPort), ("edge-aggregator", "edge-aggregator", PipelineDefaults.AggregatorPort) })
        {
            var deployment = Find(result, KnownResources.Deployments, name);
            var template = deployment["spec"]!["template"]!;
            var annotations = template["metadata"]!["annotations"]!;
            Assert.Equal("true", annotations.GetString("dapr.io/enabled"));
            Assert.Equal(appId, annotations.GetString("dapr.io/app-id"));
            Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), annotations.GetString("dapr.io/app-port"));
            Assert.Equal("tracing", annotations.GetString("dapr.io/config"));
            var container = template["spec"]!["containers"]![0]!;
            Assert.Equal("/healthz", container["livenessProbe"]!["httpGet"].GetString("path"));
            Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"].GetString("path"));
            Assert.Equal(port, container["ports"]![0].GetLong("containerPort"));
            Assert.True(template["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.False(container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());
        }
        var ingestAnnotations = Find(result, KnownResources.Deployments, "edge-ingest")["spec"]!["template"]!["metadata"]!["annotations"]!;
        Assert.Equal("50m", ingestAnnotations.GetString("dapr.io/sidecar-cpu-request"));
        Assert.Equal("256Mi", ingestAnnotations.GetString("dapr.io/sidecar-memory-limit"));
    }

    [Fact]
    public void Subscriptions_route_to_the_aggregator_with_dead_letters_and_bulk_settings()
    {
        var result = Render("kafka.yaml");
        var logs = Find(result, KnownResources.DaprSubscriptions, "audit-logs");
        Assert.Equal("dapr.io/v2alpha1", logs.GetString("apiVersion"));
        Assert.Equal(PipelineDefaults.LogsRoute, logs["spec"]!["routes"].GetString("default"));
        Assert.Equal("audit-logs-deadletter", logs["spec"].GetString("deadLetterTopic"));
        Assert.True(logs["spec"]!["bulkSubscribe"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(500, logs["spec"]!["bulkSubscribe"].GetLong("maxMessagesCount"));
        Assert.Equal(["audit-aggregator"], logs["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var deadLetters = Find(result, KnownResources.DaprSubscriptions, "audit-dead-letters");
        Assert.Equal(PipelineDefaults.DeadLetterRoute, deadLetters["spec"]!["routes"].GetString("default"));
        Assert.Equal("audit-logs-deadletter", deadLetters["spec"].GetString("topic"));
    }

    [Fact]
    public void Resiliency_targets_the_pubsub_inbound_and_the_binding_outbound()
    {
        var result = Render("kafka.yaml");
        var resiliency = Find(result, KnownResources.DaprResiliencies, "audit-resiliency");
        var targets = resiliency["spec"]!["targets"]!["components"]!;
        Assert.NotNull(targets["audit-pubsub"]!["inbound"]!["retry"]);
        Assert.NotNull(targets["audit-postgres"]!["outbound"]!["circuitBreaker"]);
        // maxDeliveryAttempts 5 = the first delivery + 4 retries.
        Assert.Equal(4, resiliency["spec"]!["policies"]!["retries"]!["delivery"].GetLong("maxRetries"));
    }

    [Fact]
    public void Components_reference_secrets_and_never_carry_their_values()
    {
        foreach (var sample in new[] { "redis.yaml", "kafka.yaml", "jetstream.yaml" })
        {
            var text = YamlDocuments.Write(Render(sample).Objects.Select(o => (JsonNode)o.Object));
            Assert.DoesNotContain("change-me", text, StringComparison.Ordinal);
        }
        var binding = Find(Render("redis.yaml"), KnownResources.DaprComponents, "logs-postgres");
        Assert.Equal("bindings.postgresql", binding["spec"].GetString("type"));
        Assert.Equal("logs-postgres", binding["spec"]!["metadata"]![0]!["secretKeyRef"].GetString("name"));
    }

    [Fact]
    public void Owner_references_are_added_when_the_pipeline_has_a_uid()
    {
        Assert.All(Render("redis.yaml").Objects, o => Assert.Null(o.Object.ControllerOwner()));
        Assert.All(Render("redis.yaml", uid: "1234").Objects, o => Assert.Equal("1234", o.Object.ControllerOwner()!.GetString("uid")));
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var first = YamlDocuments.Write(Render("kafka.yaml").Objects.Select(o => (JsonNode)o.Object));
        var second = YamlDocuments.Write(Render("kafka.yaml").Objects.Select(o => (JsonNode)o.Object));
        Assert.Equal(first, second);
    }
}
