using System.Text.Json.Nodes;
using LogDapr.Operator.ApiValidation;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.CrdValidation;
using LogDapr.Formats.Yaml;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Names and other values the apiserver validates: the CRD's name rules, and the operator's check of every rendered
/// object before it applies any, so that a bad pipeline is reported instead of half applied.
/// </summary>
public sealed class NameValidationTests
{
    private static LogPipeline Named(string name)
    {
        var pipeline = LogPipelineDocuments.Parse(Samples.Minimal).Single();
        pipeline.Metadata.Name = name;
        return pipeline;
    }

    [Theory]
    [InlineData("logs.v2")]
    [InlineData("1logs")]
    [InlineData("a-pipeline-name-of-forty-eight-characters-000048")]
    public async Task A_pipeline_whose_name_cannot_name_its_objects_is_reported_and_nothing_is_applied(string name)
    {
        await using var cluster = new TestCluster();
        // Admitted as a CRD from before the name rules would admit it (any DNS subdomain).
        cluster.Server.AddAdmission(KnownResources.LogPipelines, obj => (obj, []));
        cluster.Start();
        cluster.Apply(Samples.Minimal.Replace("name: demo,", $"name: {name},", StringComparison.Ordinal));

        await cluster.WaitForConditionAsync("team", name, PipelineConditions.Degraded, "True", PipelineConditions.Reasons.InvalidName);

        var pipeline = cluster.Pipeline("team", name);
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Ready));
        Assert.StartsWith($"metadata.name \"{name}\" cannot name a pipeline: ", TestCluster.Condition(pipeline, PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
        Assert.Null(cluster.Server.TryGet(KnownResources.Secrets, "team", $"{name}-app-token"));
    }

    [Fact]
    public void The_CRD_length_limit_is_the_longest_name_whose_objects_are_all_valid()
    {
        var longest = new string('a', LogPipeline.MaxNameLength);
        Assert.Null(PipelineNameRules.Problem(longest));
        Assert.NotEmpty(PipelineRenderer.Render(Named(longest)).Objects);

        var tooLong = longest + "a";
        Assert.Contains("no more than 47 characters", PipelineNameRules.Problem(tooLong), StringComparison.Ordinal);
        var refused = Assert.Throws<InvalidPipelineException>(() => PipelineRenderer.Render(Named(tooLong)));
        Assert.Contains($"Deployment \"{tooLong}-aggregator\": spec.template.metadata.annotations[dapr.io/app-id]: Invalid value: \"{tooLong}-aggregator\": Dapr's sidecar injector refuses this app id", refused.Message, StringComparison.Ordinal);

        var crd = YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject();
        var rules = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["x-kubernetes-validations"]!.AsArray()
            .Select(r => r!["rule"]!.GetValue<string>());
        Assert.Contains($"size(self.metadata.name) <= {LogPipeline.MaxNameLength}", rules);
    }

    [Theory]
    [InlineData("logs", true)]
    [InlineData("a", true)]
    [InlineData("logs-v2", true)]
    [InlineData("logs.v2", false)]
    [InlineData("1logs", false)]
    [InlineData("logs-", false)]
    [InlineData("Logs", false)]
    public void The_CRD_name_rules_and_the_operator_agree(string name, bool valid)
    {
        var validator = StructuralSchemaValidator.FromCrd(YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject());
        var pipeline = YamlDocuments.Parse(Samples.Minimal).OfType<JsonObject>().Single(LogPipelineDocuments.IsLogPipeline);
        pipeline["metadata"]!["name"] = name;

        var (_, errors) = validator.Validate(pipeline);

        Assert.Equal(valid, errors.Count == 0);
        Assert.Equal(valid, PipelineNameRules.Problem(name) is null);
    }

    [Fact]
    public void Rendering_a_name_that_makes_an_invalid_Service_fails_naming_the_object_and_the_field()
    {
        var refused = Assert.Throws<InvalidPipelineException>(() => PipelineRenderer.Render(Named("1logs")));

        Assert.Contains("Service \"1logs-ingest\": metadata.name: Invalid value: \"1logs-ingest\": a DNS-1035 label must consist of", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Service \"1logs-aggregator\": metadata.name", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_samples_have_no_problems()
    {
        foreach (var file in Samples.Files)
        {
            foreach (var pipeline in LogPipelineDocuments.Parse(File.ReadAllText(file)))
            {
                foreach (var obj in PipelineRenderer.Render(pipeline).Objects)
                {
                    Assert.Empty(ObjectValidator.Validate(obj.Type, obj.Object));
                }
            }
        }
    }

    [Theory]
    [InlineData("metadata.labels", """{"metadata":{"name":"x","labels":{"app":"a.b-"}}}""", "metadata.labels[app]: Invalid value: \"a.b-\": a valid label must be an empty string")]
    [InlineData("label value length", """{"metadata":{"name":"x","labels":{"app":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}}""", "must be no more than 63 characters")]
    [InlineData("label key", """{"metadata":{"name":"x","labels":{"Example.com/app":"a"}}}""", "metadata.labels: Invalid value: \"Example.com/app\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("annotation key", """{"metadata":{"name":"x","annotations":{"a/b/c":"v"}}}""", "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of")]
    [InlineData("pod template labels", """{"metadata":{"name":"x"},"spec":{"template":{"metadata":{"labels":{"k":"-v"}}}}}""", "spec.template.metadata.labels[k]: Invalid value: \"-v\"")]
    [InlineData("selector", """{"metadata":{"name":"x"},"spec":{"selector":{"matchLabels":{"k":"v v"}}}}""", "spec.selector.matchLabels[k]: Invalid value: \"v v\"")]
    [InlineData("container name", """{"metadata":{"name":"x"},"spec":{"template":{"spec":{"containers":[{"name":"App"}]}}}}""", "spec.template.spec.containers[0].name: Invalid value: \"App\": a lowercase RFC 1123 label")]
    [InlineData("container port name", """{"metadata":{"name":"x"},"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"name":"metrics-endpoint-1","containerPort":1}]}]}}}}""", "spec.template.spec.containers[0].ports[0].name: Invalid value: \"metrics-endpoint-1\": must be no more than 15 characters")]
    [InlineData("env name", """{"metadata":{"name":"x"},"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"1X","value":"v"}]}]}}}}""", "spec.template.spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name")]
    [InlineData("volume name", """{"metadata":{"name":"x"},"spec":{"template":{"spec":{"volumes":[{"name":"tmp.dir"}]}}}}""", "spec.template.spec.volumes[0].name: Invalid value: \"tmp.dir\"")]
    [InlineData("app id", """{"metadata":{"name":"x"},"spec":{"template":{"metadata":{"annotations":{"dapr.io/app-id":"a.b"}}}}}""", "Dapr's sidecar injector refuses this app id: the Service it creates, \"a.b-dapr\"")]
    [InlineData("namespace", """{"metadata":{"name":"x","namespace":"Team"}}""", "metadata.namespace: Invalid value: \"Team\"")]
    [InlineData("subdomain name", """{"metadata":{"name":"x_y"}}""", "Deployment \"x_y\": metadata.name: Invalid value: \"x_y\": a lowercase RFC 1123 subdomain")]
    public void Object_validator_finds_what_the_apiserver_refuses(string what, string json, string expected)
    {
        var problems = ObjectValidator.Validate(KnownResources.Deployments, JsonNode.Parse(json)!.AsObject());

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"{what}: expected a problem containing\n  {expected}\nbut got\n  {string.Join("\n  ", problems)}");
    }

    [Fact]
    public void Object_validator_checks_Service_names_ports_and_selectors_as_the_apiserver_does()
    {
        var service = JsonNode.Parse("""
            {"metadata":{"name":"logs.v2-ingest"},
             "spec":{"selector":{"app":"-x"},"ports":[{"name":"http","port":80,"targetPort":"http_port"},{"port":81}]}}
            """)!.AsObject();

        var problems = ObjectValidator.Validate(KnownResources.Services, service);

        Assert.Contains(problems, p => p.StartsWith("Service \"logs.v2-ingest\": metadata.name: Invalid value: \"logs.v2-ingest\": a DNS-1035 label", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.selector[app]: Invalid value: \"-x\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.ports[0].targetPort: Invalid value: \"http_port\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.ports[1].name: Invalid value: \"\": Required value", StringComparison.Ordinal));
        // The same name is fine for a Deployment (a DNS-1123 subdomain).
        Assert.Empty(ObjectValidator.Validate(KnownResources.Deployments, JsonNode.Parse("""{"metadata":{"name":"logs.v2-ingest"}}""")!.AsObject()));
    }
}
