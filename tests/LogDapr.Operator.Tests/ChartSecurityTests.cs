using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// The chart's security defaults, with the real helm binary: values.schema.json (every value typed, unknown keys
/// refused, each bad value named in helm's error), the users' aggregated ClusterRoles, the operator's
/// PodDisruptionBudget and the operator pod's pass-through values.
/// </summary>
public sealed class ChartSecurityTests
{
    private static string ChartFile(string name) => RepoPaths.Path("charts", "logdapr", name);

    private static (int Exit, string Output) Helm(string command, params string[] values)
    {
        List<string> args = command == "lint" ? ["lint", "--strict", RepoPaths.Chart] : ["template", "rel", RepoPaths.Chart, "--namespace", "ops"];
        foreach (var value in values)
        {
            args.Add("--set");
            args.Add(value);
        }
        return ExternalTools.Run(ExternalTools.Helm, [.. args]);
    }

    private static List<JsonObject> Template(params string[] values)
    {
        var (exit, output) = Helm("template", values);
        Assert.True(exit == 0, "helm template failed:\n" + output);
        return YamlDocuments.Parse(output).OfType<JsonObject>().ToList();
    }

    private static JsonNode Values => YamlDocuments.Parse(File.ReadAllText(ChartFile("values.yaml")))[0]!;

    private static JsonNode Schema => JsonNode.Parse(File.ReadAllText(ChartFile("values.schema.json")))!;

    // ---- values.schema.json

    /// <summary>Both ways: each key of values.yaml is described by the schema, and the schema describes no key values.yaml lacks.</summary>
    [Fact]
    public void The_values_schema_describes_exactly_the_values_in_values_yaml()
    {
        var schema = Schema;
        var missing = new List<string>();
        var extra = new List<string>();
        void Compare(JsonNode? values, JsonNode? schemaNode, string path)
        {
            schemaNode = Resolve(schema, schemaNode);
            if (values is not JsonObject obj || schemaNode?["properties"] is not JsonObject properties)
            {
                return;
            }
            Assert.True(schemaNode["additionalProperties"]?.GetValue<bool>() == false, $"{(path.Length == 0 ? "the root" : path)} must refuse unknown keys");
            foreach (var (key, child) in obj)
            {
                if (!properties.ContainsKey(key))
                {
                    missing.Add(path + key);
                }
                Compare(child, properties[key], path + key + ".");
            }
            extra.AddRange(properties.Select(p => p.Key).Where(k => !obj.ContainsKey(k) && k != "global").Select(k => path + k));
        }
        Compare(Values, schema, "");
        Assert.True(missing.Count == 0, "values.yaml keys without a schema: " + string.Join(", ", missing));
        Assert.True(extra.Count == 0, "schema properties without a value in values.yaml: " + string.Join(", ", extra));
    }

    private static JsonNode? Resolve(JsonNode root, JsonNode? node) =>
        node?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/definitions/", StringComparison.Ordinal)
            ? root["definitions"]![reference["#/definitions/".Length..]]
            : node;

    [Fact]
    public void The_default_values_pass_the_schema_and_lint()
    {
        var (exit, output) = Helm("lint");
        Assert.True(exit == 0, output);
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replicaCoutn=2", "at '': additional properties 'replicaCoutn' not allowed")]
    [InlineData("monitoring.podMonitor.enable=true", "at '/monitoring/podMonitor': additional properties 'enable' not allowed")]
    [InlineData("logLevel=verbose", "at '/logLevel': value must be one of 'trace', 'debug', 'information', 'warning', 'error'")]
    [InlineData("image.pullPolicy=Sometimes", "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'")]
    [InlineData("replicaCount=0", "at '/replicaCount': minimum: got 0, want 1")]
    [InlineData("workers=0", "at '/workers': minimum: got 0, want 1")]
    [InlineData("resyncSeconds=5", "at '/resyncSeconds': minimum: got 5, want 30")]
    [InlineData("healthPort=80", "at '/healthPort': minimum: got 80, want 1,024")]
    [InlineData("watchNamespaces={Team_A}", "at '/watchNamespaces/0': 'Team_A' does not match pattern")]
    [InlineData("podDisruptionBudget.maxUnavailable=0", "at '/podDisruptionBudget/maxUnavailable': 'oneOf' failed")]
    [InlineData("monitoring.podMonitor.interval=30", "at '/monitoring/podMonitor/interval': got number, want string")]
    [InlineData("monitoring.prometheusRule.ingest5xxRatio=5", "at '/monitoring/prometheusRule/ingest5xxRatio': 'oneOf' failed, none matched")]
    [InlineData("monitoring.prometheusRule.ingest5xxRatio=1.5", "at '/monitoring/prometheusRule/ingest5xxRatio': 'oneOf' failed, none matched")]
    [InlineData("monitoring.prometheusRule.lagThresholdSeconds=soon", "at '/monitoring/prometheusRule/lagThresholdSeconds': 'oneOf' failed, none matched")]
    [InlineData("pipelineImages.registry=ghcr.io/logdapr/", "at '/pipelineImages/registry': 'ghcr.io/logdapr/' does not match pattern")]
    [InlineData("userRoles.enabled=yes", "at '/userRoles/enabled': got string, want boolean")]
    public void A_bad_value_is_refused_by_lint_and_template_naming_the_value(string value, string message)
    {
        foreach (var command in new[] { "lint", "template" })
        {
            var (exit, output) = Helm(command, value);
            Assert.True(exit != 0, $"helm {command} --set {value} succeeded:\n{output}");
            Assert.Contains("values don't meet the specifications of the schema", output, StringComparison.Ordinal);
            Assert.Contains(message, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Several_replicas_without_leader_election_are_refused_with_the_reason()
    {
        var (exit, output) = Helm("template", "replicaCount=2", "leaderElection.enabled=false");
        Assert.NotEqual(0, exit);
        Assert.Contains("replicaCount above 1 needs leaderElection.enabled=true", output, StringComparison.Ordinal);
        Assert.Single(Template("replicaCount=1", "leaderElection.enabled=false"), d => d.GetString("kind") == "Deployment");
    }

    // ---- User roles

    [Fact]
    public void User_roles_aggregate_into_the_built_in_view_edit_and_admin_roles()
    {
        var docs = Template();
        var view = Role(docs, "rel-logdapr-view");
        var edit = Role(docs, "rel-logdapr-edit");

        Assert.Equal(["admin", "edit", "view"], AggregatesTo(view));
        Assert.Equal(["admin", "edit"], AggregatesTo(edit));

        Assert.Equal([("logdapr.io", "logpipelines", "get"), ("logdapr.io", "logpipelines", "list"), ("logdapr.io", "logpipelines", "watch"), ("logdapr.io", "logpipelines/status", "get"), ("logdapr.io", "logpipelines/status", "list"), ("logdapr.io", "logpipelines/status", "watch")], Grants(view));
        Assert.Equal([("logdapr.io", "logpipelines", "create"), ("logdapr.io", "logpipelines", "delete"), ("logdapr.io", "logpipelines", "deletecollection"), ("logdapr.io", "logpipelines", "patch"), ("logdapr.io", "logpipelines", "update")], Grants(edit));
        // Users never write the status the operator reports.
        Assert.DoesNotContain(Grants(edit).Concat(Grants(view)), g => g.Resource == "logpipelines/status" && g.Verb is "update" or "patch");
    }

    [Fact]
    public void User_roles_can_be_turned_off()
    {
        var docs = Template("userRoles.enabled=false");
        Assert.DoesNotContain(docs, d => d["metadata"]!["labels"]?["rbac.authorization.k8s.io/aggregate-to-view"] is not null);
        Assert.DoesNotContain(docs, d => d["metadata"].GetString("name") is "rel-logdapr-view" or "rel-logdapr-edit");
    }

    private static JsonObject Role(List<JsonObject> docs, string name) =>
        Assert.Single(docs, d => d.GetString("kind") == "ClusterRole" && d["metadata"].GetString("name") == name);

    private static List<string> AggregatesTo(JsonObject role) =>
        role["metadata"]!["labels"]!.AsObject()
            .Where(l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal) && l.Value!.GetValue<string>() == "true")
            .Select(l => l.Key["rbac.authorization.k8s.io/aggregate-to-".Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<(string Group, string Resource, string Verb)> Grants(JsonObject role) =>
        (from rule in role["rules"]!.AsArray().OfType<JsonObject>()
         from g in rule["apiGroups"]!.AsArray()
         from r in rule["resources"]!.AsArray()
         from v in rule["verbs"]!.AsArray()
         select (g!.GetValue<string>(), r!.GetValue<string>(), v!.GetValue<string>()))
        .Order()
        .ToList();

    // ---- Operator PodDisruptionBudget

    [Fact]
    public void The_operator_gets_a_disruption_budget_over_its_own_pods_when_it_has_standbys()
    {
        var docs = Template();
        var pdb = Assert.Single(docs, d => d.GetString("kind") == "PodDisruptionBudget");
        Assert.Equal(1, pdb["spec"].GetLong("maxUnavailable"));
        var deployment = Assert.Single(docs, d => d.GetString("kind") == "Deployment");
        Assert.True(JsonNode.DeepEquals(deployment["spec"]!["selector"], pdb["spec"]!["selector"]), "the PDB selects the operator's pods");

        Assert.Equal("50%", Assert.Single(Template("podDisruptionBudget.maxUnavailable=50%"), d => d.GetString("kind") == "PodDisruptionBudget")["spec"].GetString("maxUnavailable"));
    }

    [Theory]
    [InlineData("replicaCount=1")]
    [InlineData("podDisruptionBudget.enabled=false")]
    public void No_disruption_budget_for_a_single_replica_or_when_off(string value) =>
        Assert.DoesNotContain(Template(value), d => d.GetString("kind") == "PodDisruptionBudget");

    // ---- The operator pod's pass-through values

    [Fact]
    public void The_operator_pod_takes_scheduling_metadata_and_security_values()
    {
        var docs = Template(
            "nodeSelector.kubernetes\\.io/os=linux",
            "tolerations[0].key=dedicated", "tolerations[0].operator=Exists",
            "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=zone",
            "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists",
            "topologySpreadConstraints[0].maxSkew=1", "topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname", "topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway",
            "imagePullSecrets[0].name=regcred",
            "podLabels.team=platform", "podAnnotations.example\\.com/owner=platform",
            "priorityClassName=system-cluster-critical",
            "podSecurityContext.fsGroup=1654",
            "securityContext.readOnlyRootFilesystem=true");
        var pod = Assert.Single(docs, d => d.GetString("kind") == "Deployment")["spec"]!["template"]!;
        var spec = pod["spec"]!;
        Assert.Equal("linux", spec["nodeSelector"].GetString("kubernetes.io/os"));
        Assert.Equal("dedicated", spec["tolerations"]![0].GetString("key"));
        Assert.Equal("zone", spec["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0].GetString("key"));
        Assert.Equal("kubernetes.io/hostname", spec["topologySpreadConstraints"]![0].GetString("topologyKey"));
        Assert.Equal("regcred", spec["imagePullSecrets"]![0].GetString("name"));
        Assert.Equal("platform", pod["metadata"]!["labels"].GetString("team"));
        Assert.Equal("platform", pod["metadata"]!["annotations"].GetString("example.com/owner"));
        Assert.Equal("system-cluster-critical", spec.GetString("priorityClassName"));
        Assert.Equal(1654, spec["securityContext"].GetLong("fsGroup"));
        // Setting one field keeps the chart's other defaults (helm merges maps).
        Assert.True(spec["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("ALL", spec["containers"]![0]!["securityContext"]!["capabilities"]!["drop"]![0]!.GetValue<string>());
    }

    [Fact]
    public void By_default_the_operator_runs_non_root_read_only_without_capabilities()
    {
        var spec = Assert.Single(Template(), d => d.GetString("kind") == "Deployment")["spec"]!["template"]!["spec"]!;
        Assert.True(spec["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("RuntimeDefault", spec["securityContext"]!["seccompProfile"].GetString("type"));
        var container = spec["containers"]![0]!["securityContext"]!;
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.True(container["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Null(spec["topologySpreadConstraints"]);
    }
}
