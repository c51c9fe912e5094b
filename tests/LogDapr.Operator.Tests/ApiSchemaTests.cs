using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.ApiSchemas;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Everything the operator renders and everything the chart templates, checked against the real API schemas
/// vendored under tests/schemas (Kubernetes' built-in kinds, Dapr's, KEDA's and the Prometheus Operator's CRDs,
/// unknown fields refused) and every Dapr Component's metadata against components-contrib's metadata.yaml.
/// </summary>
public sealed class ApiSchemaTests
{
    /// <summary>Pipelines beyond the samples, for the branches they do not take (auth types, TLS, state stores, PDBs).</summary>
    private static readonly Dictionary<string, string> Variants = new(StringComparer.Ordinal)
    {
        ["kafka-mtls"] = """
              pubsub:
                type: kafka
                kafka:
                  brokers: [kafka:9093]
                  authType: mtls
                  tls:
                    caSecretKeyRef: {name: kafka-tls, key: ca.crt}
                    clientCertSecretKeyRef: {name: kafka-tls, key: tls.crt}
                    clientKeySecretKeyRef: {name: kafka-tls, key: tls.key}
              stateStore: {type: postgresql}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
              ingest: {replicas: 3}
              aggregator: {replicas: 2}
            """,
        ["jetstream-token-tls"] = """
              pubsub:
                type: jetstream
                jetstream:
                  natsURL: nats://nats:4222
                  tokenSecretKeyRef: {name: nats, key: token}
                  tlsClientCertSecretKeyRef: {name: nats, key: tls.crt}
                  tlsClientKeySecretKeyRef: {name: nats, key: tls.key}
              stateStore: {type: postgresql}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
            """,
        ["network-policy-all-sources"] = """
              pubsub:
                type: redis
                redis: {host: "redis:6379"}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
              networkPolicy:
                enabled: true
                ingestFrom:
                  - namespaceSelector: {matchLabels: {team: payments}}
                    podSelector: {matchExpressions: [{key: tier, operator: In, values: [web]}, {key: canary, operator: DoesNotExist}]}
                  - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                queryFrom:
                  - podSelector: {matchLabels: {app: grafana}}
                metricsFrom: []
            """,
        ["storage-archive-azure"] = """
              pubsub:
                type: redis
                redis: {host: "redis:6379"}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
              networkPolicy: {enabled: true}
              storage:
                replicas: 2
                autoscaling: {minReplicas: 2, maxReplicas: 5, backlog: {targetPerReplica: 500}}
                archive:
                  type: bindings.azure.blobstorage
                  metadata:
                    - {name: accountName, value: logsarchive}
                    - {name: accountKey, secretKeyRef: {name: azure, key: key}}
                    - {name: containerName, value: logs}
            """,
        ["storage-archive-gcp"] = """
              pubsub:
                type: kafka
                kafka: {brokers: ["kafka:9092"], tls: {enabled: false}}
              stateStore: {type: postgresql}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
              storage:
                autoscaling: {maxReplicas: 3, targetCPUUtilizationPercentage: 70}
                archive:
                  type: bindings.gcp.bucket
                  metadata:
                    - {name: bucket, value: logs-archive}
                    - {name: projectID, value: my-project}
                    - {name: privateKey, secretKeyRef: {name: gcp, key: private_key}}
            """,
        ["storage-archive-local"] = """
              pubsub:
                type: redis
                redis: {host: "redis:6379"}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
              storage:
                archive:
                  type: bindings.localstorage
                  metadata: [{name: rootPath, value: /archive}]
            """,
        ["redis-tls-username"] = """
              pubsub:
                type: redis
                redis: {host: "redis:6379", enableTLS: true, username: logdapr}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: connectionString}
            """,
    };

    public static TheoryData<string> VariantNames() => [.. Variants.Keys];

    public static TheoryData<string> SampleNames() => Samples.Names();

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_object_rendered_for_a_sample_and_the_sample_itself_match_the_API_schemas(string sample)
    {
        var documents = Samples.Documents(Path.Combine(RepoPaths.SamplesDirectory, sample)).ToList();
        var rendered = Rendered.Sample(sample).Objects.Select(o => o.Object).ToList();
        AssertValid(documents.Concat(rendered));
        Assert.Contains(rendered, o => o.GetString("kind") == "Deployment");
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Every_object_rendered_for_other_pipeline_shapes_matches_the_API_schemas(string variant)
    {
        var yaml = Rendered.Pipeline(Variants[variant]);
        AssertValid(Rendered.Render(yaml).Objects.Select(o => o.Object));
    }

    /// <summary>
    /// What the controller itself writes, as the API server stores it: the owned objects, the app token Secret and
    /// the Events it builds as plain JSON, and the LogPipeline with the status it reports.
    /// </summary>
    [Fact]
    public async Task Every_object_the_controller_writes_matches_the_API_schemas()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", Controller.PipelineConditions.Ready, "True");
        cluster.EditPipeline("team", "demo", p =>
        {
            p["spec"]!["networkPolicy"] = new JsonObject { ["enabled"] = true };
            p["spec"]!["aggregator"]!["replicas"] = 2;
        });
        await Eventually.TrueAsync(() => cluster.Server.TryGet(KnownResources.NetworkPolicies, "team", "demo-aggregator") is not null
            && cluster.Server.TryGet(KnownResources.PodDisruptionBudgets, "team", "demo-aggregator") is not null, "the edited pipeline to be applied");

        var objects = KnownResources.All.Where(t => t.Namespaced).SelectMany(t => cluster.Server.All(t, "team")).ToList();
        Assert.Superset(new HashSet<string> { "LogPipeline", "Component", "Resiliency", "Subscription", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy", "Secret", "Event" }, objects.Select(o => o.GetString("kind")!).ToHashSet());
        AssertValid(objects);

        // The check reaches the hand-built JSON: a misspelt Event field and a bad status condition are refused.
        var ev = objects.First(o => o.GetString("kind") == "Event").DeepClone().AsObject();
        ev["reportingComponet"] = "x";
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(ev), e => e.Contains("reportingComponet", StringComparison.Ordinal));
        var pipeline = objects.First(o => o.GetString("kind") == "LogPipeline").DeepClone().AsObject();
        pipeline["status"]!["conditions"]![0]!["lastTransitionTme"] = "now";
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(pipeline), e => e.Contains("lastTransitionTme", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_kind_the_operator_owns_has_a_vendored_schema()
    {
        var missing = KnownResources.Owned.Where(t => !ApiSchemaCatalog.Vendored.Kinds.Contains((t.ApiVersion, t.Kind))).ToList();
        Assert.True(missing.Count == 0, "no schema vendored for " + string.Join(", ", missing.Select(t => $"{t.ApiVersion} {t.Kind}")));
    }

    /// <summary>
    /// helm template for every combination of the chart's switches: every boolean in values.yaml that decides which
    /// objects exist (crds, the PDB, leader election, the service account, user roles, the monitoring objects) and
    /// watchNamespaces empty or not, all 2^n of them, with every enum value of values.schema.json used in turn; the
    /// booleans passed through into the pod's security contexts, which only change a field, each flipped alone.
    /// </summary>
    [Fact]
    public void Every_object_helm_templates_for_every_switch_combination_matches_the_API_schemas()
    {
        static bool PassThrough(string path) => path.StartsWith("podSecurityContext.", StringComparison.Ordinal) || path.StartsWith("securityContext.", StringComparison.Ordinal);
        (string On, string Off) Switch(string path) => ($"{path}={Flag(!Default(path))}", $"{path}={Flag(Default(path))}");
        var switches = BooleanValues().Where(path => !PassThrough(path)).Select(Switch).ToList();
        switches.Add((On: "watchNamespaces={team-a,team-b}", Off: "watchNamespaces=null"));
        Assert.Contains(switches, s => s.On.StartsWith("monitoring.podMonitor.enabled=", StringComparison.Ordinal));
        Assert.True(switches.Count <= 10, $"{switches.Count} switches make {1 << switches.Count} helm runs; split the matrix before it grows past 1024");
        var enums = EnumValues();

        var combinations = Enumerable.Range(0, 1 << switches.Count)
            .Select(bits => switches.Select((s, i) => (bits & (1 << i)) != 0 ? s.On : s.Off).ToList())
            .Concat(BooleanValues().Where(PassThrough).Select(path => new List<string> { Switch(path).On }))
            .ToList();
        for (var c = 0; c < combinations.Count; c++)
        {
            if (combinations[c].Contains("leaderElection.enabled=false"))
            {
                // The chart refuses more than one replica without leader election.
                combinations[c].Add("replicaCount=1");
            }
            combinations[c].AddRange(enums.Select(e => $"{e.Path}={e.Values[c % e.Values.Count]}"));
        }

        // helm runs in parallel (a process each); the schemas validate on this thread.
        var rendered = new List<JsonObject>[combinations.Count];
        Parallel.For(0, combinations.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c => rendered[c] = HelmTemplate(combinations[c]));
        var failures = new List<string>();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < combinations.Count; c++)
        {
            kinds.UnionWith(rendered[c].Select(o => o.GetString("kind")!));
            failures.AddRange(ApiSchemaCatalog.Vendored.Failures(rendered[c]).Select(f => $"[{string.Join(" ", combinations[c])}] {f}"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
        // The matrix reached the optional templates.
        Assert.Superset(new HashSet<string> { "Deployment", "PodMonitor", "PrometheusRule", "ConfigMap", "CustomResourceDefinition", "ServiceAccount", "PodDisruptionBudget", "Role", "ClusterRole" }, kinds);
    }

    /// <summary>The operator pod's pass-through values land where the PodSpec schema has them.</summary>
    [Fact]
    public void Every_object_helm_templates_with_the_pass_through_values_set_matches_the_API_schemas()
    {
        var objects = HelmTemplate(
        [
            "nodeSelector.kubernetes\\.io/os=linux",
            "tolerations[0].key=dedicated", "tolerations[0].operator=Exists", "tolerations[0].effect=NoSchedule",
            "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight=100",
            "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey=kubernetes.io/hostname",
            "topologySpreadConstraints[0].maxSkew=1", "topologySpreadConstraints[0].topologyKey=topology.kubernetes.io/zone",
            "topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway",
            "topologySpreadConstraints[0].labelSelector.matchLabels.app\\.kubernetes\\.io/name=logdapr-operator",
            "imagePullSecrets[0].name=regcred", "podLabels.team=platform", "podAnnotations.owner=platform",
            "priorityClassName=system-cluster-critical", "podSecurityContext.fsGroup=1654", "securityContext.privileged=false",
            "podDisruptionBudget.maxUnavailable=50%", "serviceAccount.annotations.example\\.com/role=operator",
            "resources.requests.cpu=1", "resources.limits.memory=1Gi",
        ]);
        AssertValid(objects);

        var pod = objects.Single(o => o.GetString("kind") == "Deployment")["spec"]!["template"]!["spec"]!;
        pod["topologySpreadConstraints"]![0]!["maxSkeww"] = 1;
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(objects.Single(o => o.GetString("kind") == "Deployment")), e => e.Contains("maxSkeww", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_rendered_Dapr_component_uses_only_metadata_its_component_declares(string sample) =>
        AssertComponentsDeclared(Rendered.Sample(sample));

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Every_Dapr_component_of_other_pipeline_shapes_uses_only_declared_metadata(string variant) =>
        AssertComponentsDeclared(Rendered.Render(Rendered.Pipeline(Variants[variant])));

    [Fact]
    public void Every_component_type_the_operator_renders_has_vendored_metadata()
    {
        string[] rendered = [ComponentRenderer.PubSubRedis, ComponentRenderer.PubSubKafka, ComponentRenderer.PubSubJetStream, ComponentRenderer.StateRedis, ComponentRenderer.StatePostgresql, ComponentRenderer.BindingPostgresql, .. ArchiveSpec.Types.Keys];
        Assert.Subset(ComponentMetadataCatalog.Vendored.Types.ToHashSet(), rendered.ToHashSet());
    }

    // ---- The validators catch what they must (each check fails on a planted bad object).

    [Fact]
    public void An_unknown_field_in_a_Deployment_is_refused_with_its_path()
    {
        var deployment = Rendered.Find(Rendered.Sample("redis.yaml"), KnownResources.Deployments, "logs-ingest");
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicyy"] = "Always";
        var errors = ApiSchemaCatalog.Vendored.Validate(deployment);
        Assert.Contains(errors, e => e.StartsWith("/spec/template/spec/containers/0", StringComparison.Ordinal) && e.Contains("imagePullPolicyy", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_type_and_a_missing_required_field_are_refused()
    {
        var service = Rendered.Find(Rendered.Sample("redis.yaml"), KnownResources.Services, "logs-ingest");
        service["spec"]!["ports"]![0]!["port"] = "eighty";
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(service), e => e.StartsWith("/spec/ports/0/port", StringComparison.Ordinal));

        var binding = YamlDocuments.Parse("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: x, namespace: y}
            subjects: [{kind: ServiceAccount, name: sa}]
            """)[0]!.AsObject();
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(binding), e => e.Contains("roleRef", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_field_in_a_Dapr_resource_or_its_metadata_is_refused()
    {
        var result = Rendered.Sample("redis.yaml");
        var subscription = result.Objects.First(o => o.Type == KnownResources.DaprSubscriptions).Object;
        subscription["spec"]!["bulkSubscribe"]!["maxMessagesCountt"] = 5;
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(subscription), e => e.Contains("maxMessagesCountt", StringComparison.Ordinal));

        var component = result.Objects.First(o => o.Type == KnownResources.DaprComponents).Object;
        component["metadata"]!["labelz"] = new JsonObject();
        Assert.Contains(ApiSchemaCatalog.Vendored.Validate(component), e => e.Contains("labelz", StringComparison.Ordinal));
    }

    [Fact]
    public void An_undeclared_component_metadata_name_or_version_is_refused()
    {
        var component = Rendered.Sample("redis.yaml").Objects.First(o => o.Type == KnownResources.DaprComponents).Object;
        component["spec"]!["metadata"]!.AsArray().Add(new JsonObject { ["name"] = "redisHosts", ["value"] = "x" });
        component["spec"]!["version"] = "v2";
        var errors = ComponentMetadataCatalog.Vendored.Validate(component);
        Assert.Contains("pubsub.redis has no metadata named redisHosts", errors);
        Assert.Contains("pubsub.redis version v2 is not the vendored v1", errors);

        component["spec"]!["type"] = "pubsub.rabbitmq";
        Assert.Equal(["no components-contrib metadata vendored for pubsub.rabbitmq"], ComponentMetadataCatalog.Vendored.Validate(component));
    }

    [Fact]
    public void A_kind_without_a_vendored_schema_is_an_error_not_a_pass()
    {
        var unknown = YamlDocuments.Parse("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")[0]!.AsObject();
        Assert.Equal(["no schema vendored for example.com/v1 Widget (add it to tools/scripts/vendor-test-schemas.py and tests/schemas)"], ApiSchemaCatalog.Vendored.Validate(unknown));
    }

    // ---- helpers

    private static void AssertValid(IEnumerable<JsonObject> objects)
    {
        var failures = ApiSchemaCatalog.Vendored.Failures(objects);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void AssertComponentsDeclared(RenderResult result)
    {
        var components = result.Objects.Where(o => o.Type == KnownResources.DaprComponents).Select(o => o.Object).ToList();
        Assert.NotEmpty(components);
        var errors = components.SelectMany(c => ComponentMetadataCatalog.Vendored.Validate(c).Select(e => $"{c["metadata"]!["name"]}: {e}")).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static JsonNode ValuesYaml => YamlDocuments.Parse(File.ReadAllText(RepoPaths.Path("charts", "logdapr", "values.yaml")))[0]!;

    /// <summary>Dotted paths of every boolean in values.yaml.</summary>
    private static List<string> BooleanValues()
    {
        var paths = new List<string>();
        void Walk(JsonNode? node, string path)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, child) in obj)
                {
                    Walk(child, path.Length == 0 ? key : $"{path}.{key}");
                }
            }
            else if (node is JsonValue value && value.TryGetValue<bool>(out _))
            {
                paths.Add(path);
            }
        }
        Walk(ValuesYaml, "");
        return paths;
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private static bool Default(string path) => path.Split('.').Aggregate(ValuesYaml, (node, key) => node[key]!).GetValue<bool>();

    /// <summary>Dotted paths and allowed values of every enum in values.schema.json.</summary>
    private static List<(string Path, List<string> Values)> EnumValues()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("charts", "logdapr", "values.schema.json")))!;
        var enums = new List<(string, List<string>)>();
        void Walk(JsonNode? node, string path)
        {
            if (node?["enum"] is JsonArray values && values.All(v => v is JsonValue s && s.TryGetValue<string>(out _)))
            {
                enums.Add((path, values.Select(v => v!.GetValue<string>()).ToList()));
            }
            foreach (var (key, child) in node?["properties"]?.AsObject() ?? [])
            {
                Walk(child, path.Length == 0 ? key : $"{path}.{key}");
            }
        }
        Walk(schema, "");
        return enums;
    }

    private static List<JsonObject> HelmTemplate(IEnumerable<string> values)
    {
        var args = new List<string> { "template", "rel", RepoPaths.Chart, "--namespace", "ops", "--include-crds" };
        foreach (var value in values)
        {
            args.Add("--set");
            args.Add(value);
        }
        var (exit, output) = ExternalTools.Run(ExternalTools.Helm, [.. args]);
        Assert.True(exit == 0, $"helm template {string.Join(" ", args)} failed:\n{output}");
        return YamlDocuments.Parse(output).OfType<JsonObject>().ToList();
    }
}
