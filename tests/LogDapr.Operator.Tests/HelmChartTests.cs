using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.LeaderElection;
using LogDapr.Operator.Permissions;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.Operator.Tests;

/// <summary>
/// The chart with the real helm binary (tools/scripts/ensure-helm.sh puts it in .tools/bin; LOGDAPR_HELM overrides):
/// lint, template with default and non-default values, and RBAC that grants exactly <see cref="OperatorPermissions"/>.
/// </summary>
public sealed class HelmChartTests
{
    private const string ServiceAccountUser = "system:serviceaccount:ops:rel-logdapr";

    private static (int Exit, string Output) Run(params string[] args) => ExternalTools.Run(ExternalTools.Helm, args);

    private static List<JsonObject> Template(params string[] values)
    {
        var args = new List<string> { "template", "rel", RepoPaths.Chart, "--namespace", "ops", "--include-crds" };
        foreach (var value in values)
        {
            args.Add("--set");
            args.Add(value);
        }
        var (exit, output) = Run([.. args]);
        Assert.True(exit == 0, "helm template failed:\n" + output);
        return YamlDocuments.Parse(output).OfType<JsonObject>().ToList();
    }

    [Fact]
    public void Chart_lints_cleanly()
    {
        var (exit, output) = Run("lint", "--strict", RepoPaths.Chart);
        Assert.True(exit == 0, output);
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
        var (exitWithValues, outputWithValues) = Run("lint", "--strict", RepoPaths.Chart, "--set", "watchNamespaces={a,b}", "--set", "leaderElection.enabled=false", "--set", "replicaCount=1");
        Assert.True(exitWithValues == 0, outputWithValues);
    }

    [Fact]
    public void Default_values_template_the_operator_with_cluster_wide_rbac_and_leader_election()
    {
        var docs = Template();
        Assert.Contains(docs, d => d.GetString("kind") == "CustomResourceDefinition" && d["metadata"].GetString("name") == "logpipelines.logdapr.io");
        var deployment = docs.Single(d => d.GetString("kind") == "Deployment");
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("ghcr.io/logdapr/operator:" + OperatorVersion.Current, container.GetString("image"));
        var args = container["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal("run", args[0]);
        Assert.Contains("--leader-elect=true", args);
        Assert.Contains("--lease-namespace=ops", args);
        Assert.Contains($"--ingest-image=ghcr.io/logdapr/ingest:{OperatorVersion.Current}", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--watch-namespaces", StringComparison.Ordinal));
        // Secure default: only the default images' repositories (the operator's own rule, no flag).
        Assert.DoesNotContain(args, a => a.StartsWith("--allowed-image-prefixes", StringComparison.Ordinal));
        Assert.Equal(2, deployment["spec"].GetLong("replicas"));
        Assert.Equal(OperatorPermissions.All.SelectMany(Expand).ToHashSet(), GrantedTo(docs, ServiceAccountUser, "any-namespace").Concat(GrantedTo(docs, ServiceAccountUser, "ops")).ToHashSet());
    }

    [Fact]
    public void Allowed_image_prefixes_reach_the_operator()
    {
        var docs = Template("pipelineImages.allowedPrefixes={registry.corp/logging/,ghcr.io/acme/ingest}");
        var deployment = Assert.Single(docs, d => d.GetString("kind") == "Deployment");
        var args = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--allowed-image-prefixes=registry.corp/logging/,ghcr.io/acme/ingest", args);
    }

    [Fact]
    public void Non_default_values_template_namespaced_rbac_without_leases()
    {
        var docs = Template("watchNamespaces={team-a,team-b}", "leaderElection.enabled=false", "image.tag=1.2.3", "replicaCount=1", "logLevel=debug", "pipelineImages.registry=registry.example.com/logdapr", "resources.limits.memory=1Gi");
        // Cluster-wide only the name-restricted reads of Dapr's CRDs and injector webhook.
        var clusterRole = Assert.Single(docs, d => d.GetString("kind") == "ClusterRole" && d["metadata"]!["labels"]?["rbac.authorization.k8s.io/aggregate-to-edit"] is null);
        Assert.Equal("rel-logdapr-dapr-check", clusterRole["metadata"].GetString("name"));
        var roles = docs.Where(d => d.GetString("kind") == "Role").ToList();
        Assert.Equal(["team-a", "team-b"], roles.Select(r => r["metadata"].GetString("namespace")).Order());

        var cluster = OperatorPermissions.ClusterRules.SelectMany(Expand).ToHashSet();
        var expected = OperatorPermissions.PipelineRules.SelectMany(Expand).Concat(cluster).ToHashSet();
        Assert.Equal(expected, GrantedTo(docs, ServiceAccountUser, "team-a").ToHashSet());
        Assert.Equal(expected, GrantedTo(docs, ServiceAccountUser, "team-b").ToHashSet());
        Assert.Equal(cluster, GrantedTo(docs, ServiceAccountUser, "elsewhere").ToHashSet());

        var container = docs.Single(d => d.GetString("kind") == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("ghcr.io/logdapr/operator:1.2.3", container.GetString("image"));
        var args = container["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--watch-namespaces=team-a,team-b", args);
        Assert.Contains("--leader-elect=false", args);
        Assert.Contains("--log-level=debug", args);
        Assert.Contains($"--aggregator-image=registry.example.com/logdapr/aggregator:{OperatorVersion.Current}", args);
        Assert.Equal("1Gi", container["resources"]!["limits"].GetString("memory"));
    }

    [Fact]
    public void Chart_CRD_is_the_manifests_CRD_and_appVersion_is_the_operator_version()
    {
        Assert.Equal(File.ReadAllText(RepoPaths.CrdFile), File.ReadAllText(RepoPaths.ChartCrdFile));
        var chart = YamlDocuments.Parse(File.ReadAllText(RepoPaths.Path("charts", "logdapr", "Chart.yaml")))[0]!;
        Assert.Equal(OperatorVersion.Current, chart.GetString("appVersion"));
    }

    [Fact]
    public void Chart_states_the_supported_Dapr_runtime()
    {
        var chart = YamlDocuments.Parse(File.ReadAllText(RepoPaths.Path("charts", "logdapr", "Chart.yaml")))[0]!;
        Assert.Equal(">=" + LogDapr.Operator.Dapr.DaprSupport.MinimumVersion, chart["annotations"]!.GetString("logdapr.io/dapr-version"));
        Assert.Contains("Dapr 1.16", File.ReadAllText(RepoPaths.Path("charts", "logdapr", "templates", "NOTES.txt")), StringComparison.Ordinal);
        Assert.Contains("Dapr 1.16", File.ReadAllText(RepoPaths.Path("charts", "logdapr", "values.yaml")), StringComparison.Ordinal);
    }

    /// <summary>
    /// Secrets: get (check references, hash values), list and watch (notice rotations; the informer keeps metadata
    /// only) and create (the generated app token); never update, patch or delete.
    /// Cluster-scoped reads are limited by resourceNames to Dapr's three CRDs and its injector webhook, in both
    /// RBAC modes (they are cluster-scoped, so a Role could not grant them).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("watchNamespaces={team-a}")]
    public void Rbac_for_secrets_and_cluster_reads_stays_minimal(string values)
    {
        var rules = Template(values.Length == 0 ? [] : [values]).Where(d => d.GetString("kind") is "Role" or "ClusterRole")
            .SelectMany(r => r["rules"]!.AsArray().OfType<JsonObject>())
            .ToList();
        static List<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

        var secretVerbs = rules.Where(r => Strings(r["resources"]).Contains("secrets")).SelectMany(r => Strings(r["verbs"])).ToHashSet();
        Assert.Equal(new HashSet<string> { "get", "list", "watch", "create" }, secretVerbs);

        var crdRule = Assert.Single(rules, r => Strings(r["resources"]).Contains("customresourcedefinitions"));
        Assert.Equal(["get"], Strings(crdRule["verbs"]));
        Assert.Equal(["components.dapr.io", "resiliencies.dapr.io", "scaledobjects.keda.sh", "subscriptions.dapr.io", "triggerauthentications.keda.sh"], Strings(crdRule["resourceNames"]).Order(StringComparer.Ordinal));
        var webhookRule = Assert.Single(rules, r => Strings(r["resources"]).Contains("mutatingwebhookconfigurations"));
        Assert.Equal(["get"], Strings(webhookRule["verbs"]));
        Assert.Equal(["dapr-sidecar-injector"], Strings(webhookRule["resourceNames"]));
    }

    /// <summary>
    /// The operator (controller + leader election) runs against an API double that enforces the RBAC the chart
    /// renders: every call it makes must be allowed, and across a full lifecycle it uses every rule of the table
    /// (delete is exercised on PodDisruptionBudgets; pruning is the same generic code for every owned kind).
    /// </summary>
    [Fact]
    public async Task The_operator_works_under_the_charts_rbac_and_uses_what_it_grants()
    {
        var docs = Template();
        var server = new FakeApiServer
        {
            Authorizer = (user, group, resource, verb, ns, name) => GrantedTo(docs, user, ns ?? "").Any(g => g.Allows(group, resource, verb, name)),
        };
        using var handler = new ApiServerHttpHandler(server, ServiceAccountUser);
        using var client = new KubernetesApiClient(ApiServerHttpHandler.Configuration, handler);
        await using var cluster = new TestCluster(server, client);

        var runner = new LeaderElectedRunner(client.Kubernetes, new LeaderElectionSettings { LeaseNamespace = "ops", LeaseName = "rel-logdapr", Identity = "op-0", RetryPeriod = TimeSpan.FromMilliseconds(200) }, NullLogger<LeaderElectedRunner>.Instance);
        using var stop = new CancellationTokenSource();
        using var controller = new LogPipelineController(new PermissionGuardedKubeApi(client), TestCluster.FastOptions, cluster.Metrics, TimeProvider.System, NullLoggerFactory.Instance);
        var running = runner.RunAsync(controller.RunAsync, stop.Token);

        // Missing Secret first (Warning event, secrets get), then everything, then a scale-down that prunes a PDB.
        var docsYaml = Samples.Minimal.Split("---\n");
        cluster.Apply(docsYaml[1] + "---\n" + docsYaml[2]);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.SecretNotFound);
        cluster.Apply(docsYaml[0]);
        cluster.DeploymentsBecomeAvailable = true;
        _ = SimulateDeploymentsAsync(cluster, stop.Token);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        cluster.EditPipeline("team", "demo", p => p["spec"]!["networkPolicy"] = new JsonObject { ["enabled"] = true });
        await Eventually.TrueAsync(() => server.TryGet(KnownResources.NetworkPolicies, "team", "demo-aggregator") is not null, "the NetworkPolicies to be applied");
        // Processing: the rules ConfigMap is created, then applied again (patch) with every later change.
        cluster.EditPipeline("team", "demo", p => p["spec"]!["processing"] = new JsonObject());
        await Eventually.TrueAsync(() => server.TryGet(KnownResources.ConfigMaps, "team", "demo-processing") is not null, "the processing ConfigMap to be applied");
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["replicas"] = 1);
        await Eventually.TrueAsync(() => server.TryGet(KnownResources.PodDisruptionBudgets, "team", "demo-ingest") is null, "the PDB to be pruned");

        // Autoscaling: an HPA for ingest, and with KEDA installed a ScaledObject (and its TriggerAuthentication).
        KedaInstallation.Install(server);
        cluster.EditPipeline("team", "demo", p =>
        {
            p["spec"]!["ingest"]!["autoscaling"] = new JsonObject { ["maxReplicas"] = 4, ["targetCPUUtilizationPercentage"] = 70 };
            p["spec"]!["aggregator"]!["autoscaling"] = new JsonObject { ["maxReplicas"] = 4, ["backlog"] = new JsonObject() };
        });
        await Eventually.TrueAsync(() => server.TryGet(KnownResources.KedaScaledObjects, "team", "demo-aggregator") is not null && server.TryGet(KnownResources.HorizontalPodAutoscalers, "team", "demo-ingest") is not null, "the autoscalers");
        // The informers of KEDA's kinds list and watch once the kinds are served.
        await Eventually.TrueAsync(() => new[] { "scaledobjects", "triggerauthentications" }.All(r => server.Audit.Any(a => a.User == ServiceAccountUser && a.Resource == r && a.Verb == OperatorPermissions.Watch)), "KEDA informers");

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(server.Refusals);
        // The Dapr check read everything it needs (a 403 there would only make it report "unknown").
        Assert.Equal("True", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.DaprCompatible));
        var used = server.Audit.Where(a => a.User == ServiceAccountUser).Select(a => (a.Group, a.Resource, a.Verb)).ToHashSet();
        var table = OperatorPermissions.All.SelectMany(Expand).Select(g => (g.Group, g.Resource, g.Verb)).ToHashSet();
        Assert.Subset(table, used);
        var unused = table.Except(used).ToList();
        Assert.All(unused, u => Assert.True(u.Verb == OperatorPermissions.Delete && KnownResources.Owned.Any(t => t.Group == u.Group && t.Plural == u.Resource), $"granted but never used: {u}"));
    }

    /// <summary>The test cluster's own simulator only starts with Start(); this scenario drives the controller itself.</summary>
    private static async Task SimulateDeploymentsAsync(TestCluster cluster, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var deployment in cluster.Server.All(KnownResources.Deployments))
            {
                var replicas = deployment["spec"].GetLong("replicas") ?? 1;
                var generation = deployment["metadata"].GetLong("generation") ?? 1;
                if (deployment["status"].GetLong("observedGeneration") == generation)
                {
                    continue;
                }
                deployment["status"] = new JsonObject { ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["availableReplicas"] = replicas };
                try
                {
                    cluster.Server.UpdateStatus(KnownResources.Deployments, deployment, "kube-controller-manager");
                }
                catch (KubeApiException)
                {
                }
            }
            try
            {
                await Task.Delay(25, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One verb on one resource, on any object (Name null) or on the named one (RBAC resourceNames).</summary>
    private sealed record Grant(string Group, string Resource, string Verb, string? Name)
    {
        public bool Allows(string group, string resource, string verb, string? name) =>
            Group == group && Resource == resource && Verb == verb && (Name is null || Name == name);
    }

    private static IEnumerable<Grant> Expand(PermissionRule rule) =>
        from verb in rule.Verbs
        from name in rule.ResourceNames is { Count: > 0 } names ? names.Select(n => (string?)n) : [null]
        select new Grant(rule.ApiGroup, rule.Resource, verb, name);

    /// <summary>What the rendered RBAC grants a service account in a namespace (ClusterRoles apply in every namespace).</summary>
    private static IReadOnlyCollection<Grant> GrantedTo(IReadOnlyList<JsonObject> docs, string user, string ns)
    {
        var granted = new HashSet<Grant>();
        foreach (var binding in docs.Where(d => d.GetString("kind") is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subjects = binding["subjects"]!.AsArray().OfType<JsonObject>();
            if (!subjects.Any(s => s.GetString("kind") == "ServiceAccount" && $"system:serviceaccount:{s.GetString("namespace")}:{s.GetString("name")}" == user))
            {
                continue;
            }
            var bindingNamespace = binding["metadata"].GetString("namespace");
            if (binding.GetString("kind") == "RoleBinding" && bindingNamespace != ns)
            {
                continue;
            }
            var roleRef = binding["roleRef"]!;
            var role = docs.Single(d => d.GetString("kind") == roleRef.GetString("kind") && d["metadata"].GetString("name") == roleRef.GetString("name")
                && (roleRef.GetString("kind") == "ClusterRole" || d["metadata"].GetString("namespace") == bindingNamespace));
            foreach (var rule in role["rules"]!.AsArray().OfType<JsonObject>())
            {
                List<string?> names = (rule["resourceNames"] as JsonArray)?.Select(n => (string?)n!.GetValue<string>()).ToList() ?? [];
                if (names.Count == 0)
                {
                    names.Add(null);
                }
                foreach (var group in rule["apiGroups"]!.AsArray())
                {
                    foreach (var resource in rule["resources"]!.AsArray())
                    {
                        foreach (var verb in rule["verbs"]!.AsArray())
                        {
                            foreach (var name in names)
                            {
                                granted.Add(new Grant(group!.GetValue<string>(), resource!.GetValue<string>(), verb!.GetValue<string>(), name));
                            }
                        }
                    }
                }
            }
        }
        return granted;
    }
}
