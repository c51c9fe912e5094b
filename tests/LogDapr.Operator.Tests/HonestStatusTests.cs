using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Dapr;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.CrdValidation;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>Status that says what is wrong: stuck rollouts, and conditions with metav1.Condition's schema.</summary>
public sealed class HonestStatusTests
{
    private static JsonObject CheckedInCrd() => YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject();

    [Fact]
    public async Task A_Deployment_past_its_progress_deadline_makes_the_pipeline_Degraded_naming_the_Deployment_and_the_reason()
    {
        await using var cluster = new TestCluster();
        cluster.DeploymentsBecomeAvailable = false;
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Progressing, "True", PipelineConditions.Reasons.RollingOut);

        // What the Deployment controller writes when the pods never become available (here: ImagePullBackOff).
        var deployment = cluster.Server.Get(KnownResources.Deployments, "team", "demo-aggregator");
        deployment["status"] = JsonNode.Parse($$"""
            {"observedGeneration": {{deployment["metadata"].GetLong("generation")}}, "replicas": 1, "updatedReplicas": 1, "unavailableReplicas": 1,
             "conditions": [
               {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."},
               {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"demo-aggregator-5d9c7b8f4\" has timed out progressing."}]}
            """);
        cluster.Server.UpdateStatus(KnownResources.Deployments, deployment, "kube-controller-manager");

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Degraded, "True", PipelineConditions.Reasons.ProgressDeadlineExceeded);
        var pipeline = cluster.Pipeline("team", "demo");
        Assert.StartsWith(
            "Deployment demo-aggregator exceeded its progress deadline (0/1 replicas available): ReplicaSet \"demo-aggregator-5d9c7b8f4\" has timed out progressing.",
            TestCluster.Condition(pipeline, PipelineConditions.Degraded, "message"),
            StringComparison.Ordinal);
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Ready));
        Assert.Equal(PipelineConditions.Reasons.ProgressDeadlineExceeded, TestCluster.Condition(pipeline, PipelineConditions.Ready, "reason"));
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Progressing));
        // The Event is recorded right after the status write.
        await Eventually.TrueAsync(
            () => cluster.Server.All(KnownResources.Events, "team").Any(e => e.GetString("reason") == PipelineConditions.Reasons.ProgressDeadlineExceeded && e.GetString("type") == "Warning"),
            "a Warning event ProgressDeadlineExceeded");

        // Once the pods come up (the image is fixed), the pipeline recovers.
        cluster.DeploymentsBecomeAvailable = true;
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True", PipelineConditions.Reasons.Available);
        Assert.Equal("False", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Degraded));
    }

    [Fact]
    public void A_progress_deadline_of_an_older_generation_is_not_reported()
    {
        var deployment = new k8s.Models.V1Deployment
        {
            Metadata = new() { Name = "demo-ingest", Generation = 3 },
            Spec = new() { Replicas = 1 },
            Status = new()
            {
                ObservedGeneration = 2,
                Conditions = [new() { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "old" }],
            },
        };

        var result = WorkloadReadiness.Of([deployment]);

        Assert.False(result.Ready);
        Assert.Equal("", result.Stuck);
    }

    /// <summary>Every reason the operator can write, from the constants it writes them from.</summary>
    public static TheoryData<string> AllReasons()
    {
        var data = new TheoryData<string>();
        foreach (var type in new[] { typeof(PipelineConditions.Reasons), typeof(DaprCompatibility) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                if (type == typeof(DaprCompatibility) && field.Name is nameof(DaprCompatibility.True) or nameof(DaprCompatibility.False) or nameof(DaprCompatibility.Unknown))
                {
                    continue; // statuses, not reasons
                }
                data.Add((string)field.GetRawConstantValue()!);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllReasons))]
    public void Every_reason_the_operator_writes_matches_the_metav1_Condition_pattern(string reason)
    {
        var schema = ConditionSchema();
        Assert.Matches(new Regex(schema["properties"]!["reason"]!["pattern"]!.GetValue<string>()), reason);
        Assert.InRange(reason.Length, 1, 1024);
    }

    [Fact]
    public void The_conditions_schema_is_metav1_Condition()
    {
        var list = (JsonObject)CheckedInCrd()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["status"]!["properties"]!["conditions"]!;
        Assert.Equal("map", list["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Equal(["type"], list["x-kubernetes-list-map-keys"]!.AsArray().Select(k => k!.GetValue<string>()));

        var condition = ConditionSchema();
        var properties = condition["properties"]!;
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], condition["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["True", "False", "Unknown"], properties["status"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("date-time", properties["lastTransitionTime"]!["format"]!.GetValue<string>());
        Assert.Equal("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", properties["reason"]!["pattern"]!.GetValue<string>());
        Assert.Equal(1024L, properties["reason"]!["maxLength"]!.GetValue<long>());
        Assert.Equal(1L, properties["reason"]!["minLength"]!.GetValue<long>());
        Assert.Equal(32768L, properties["message"]!["maxLength"]!.GetValue<long>());
        Assert.Equal(316L, properties["type"]!["maxLength"]!.GetValue<long>());
        Assert.Equal(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$", properties["type"]!["pattern"]!.GetValue<string>());
        Assert.Equal(0L, properties["observedGeneration"]!["minimum"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"type":"Ready","status":"True","reason":"Available","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}""", null)]
    [InlineData("""{"type":"Ready","status":"Yes","reason":"Available","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}""", "status.conditions[0].status: Unsupported value: \"Yes\"")]
    [InlineData("""{"type":"Ready","status":"True","reason":"Not available","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}""", "status.conditions[0].reason: Invalid value: \"Not available\"")]
    [InlineData("""{"type":"Ready","status":"True","reason":"Available","message":"ok","lastTransitionTime":"yesterday"}""", "status.conditions[0].lastTransitionTime: Invalid value: \"yesterday\"")]
    [InlineData("""{"type":"Ready","status":"True","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}""", "status.conditions[0].reason: Required value")]
    [InlineData("""{"type":"Ready","status":"True","reason":"Available","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":-1}""", "status.conditions[0].observedGeneration: Invalid value: -1")]
    public void The_schema_refuses_a_malformed_condition(string condition, string? expected)
    {
        var pipeline = YamlDocuments.Parse(Samples.Minimal).OfType<JsonObject>().Single(LogPipelineDocuments.IsLogPipeline);
        pipeline["status"] = new JsonObject { ["conditions"] = new JsonArray(JsonNode.Parse(condition)) };

        var (_, errors) = StructuralSchemaValidator.FromCrd(CheckedInCrd()).Validate(pipeline);

        if (expected is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_schema_refuses_two_conditions_of_one_type()
    {
        var pipeline = YamlDocuments.Parse(Samples.Minimal).OfType<JsonObject>().Single(LogPipelineDocuments.IsLogPipeline);
        var ready = """{"type":"Ready","status":"True","reason":"Available","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}""";
        pipeline["status"] = new JsonObject { ["conditions"] = new JsonArray(JsonNode.Parse(ready), JsonNode.Parse(ready)) };

        var (_, errors) = StructuralSchemaValidator.FromCrd(CheckedInCrd()).Validate(pipeline);

        Assert.Contains("status.conditions[1]: Duplicate value: {\"type\":\"Ready\"}", errors);
    }

    private static JsonObject ConditionSchema() =>
        (JsonObject)CheckedInCrd()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["status"]!["properties"]!["conditions"]!["items"]!;
}
