using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>The controller against the in-memory API server: create, update, drift, delete, missing secrets, conflicts, watches.</summary>
public sealed class ControllerTests
{
    private static IReadOnlyList<RenderedObject> Expected(TestCluster cluster, string ns, string name) =>
        PipelineRenderer.Render(LogPipelineDocuments.FromJson(cluster.Pipeline(ns, name))).Objects;

    private static JsonObject? Owned(TestCluster cluster, ResourceType type, string name) => cluster.Server.TryGet(type, "team", name);

    private static string? EnvValue(JsonObject deployment, string name) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .OfType<JsonObject>().FirstOrDefault(e => e.GetString("name") == name)?.GetString("value");

    [Fact]
    public async Task Create_applies_every_object_with_owner_references_and_reports_Ready()
    {
        await using var cluster = new TestCluster();
        cluster.DeploymentsBecomeAvailable = false;
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        // Before the workloads are available: objects exist, Ready=False while rolling out.
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Progressing, "True", PipelineConditions.Reasons.RollingOut);
        Assert.Equal("False", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready));

        cluster.DeploymentsBecomeAvailable = true;
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True", PipelineConditions.Reasons.Available);

        var pipeline = cluster.Pipeline("team", "demo");
        var uid = pipeline.Uid();
        var expected = Expected(cluster, "team", "demo");
        Assert.Equal(15, expected.Count); // 3 components, resiliency, 4 subscriptions (3 aggregator, 1 store), 3 services, 3 deployments, ingest PDB
        foreach (var obj in expected)
        {
            var live = Owned(cluster, obj.Type, obj.Name);
            Assert.True(live is not null, $"{obj.Type.Kind} {obj.Name} was not created");
            var owner = live!.ControllerOwner();
            Assert.NotNull(owner);
            Assert.Equal(uid, owner!.GetString("uid"));
            Assert.Equal("LogPipeline", owner.GetString("kind"));
            var managers = cluster.Server.Managers(obj.Type, "team", obj.Name);
            Assert.Equal("Apply", managers[OperatorOptions.FieldManager].Operation);
        }

        var status = pipeline["status"]!;
        Assert.Equal(pipeline["metadata"].GetLong("generation"), status.GetLong("observedGeneration"));
        Assert.Equal("http://demo-ingest.team.svc.cluster.local/v1/logs", status.GetString("ingestEndpoint"));
        Assert.Equal($"http://demo-aggregator.team.svc.cluster.local:{PipelineDefaults.AggregatorPort}", status.GetString("queryEndpoint"));
        Assert.Equal($"http://demo-store.team.svc.cluster.local:{PipelineDefaults.AggregatorPort}", status.GetString("logsEndpoint"));
        // Everything applied, and the app token and cursor key Secrets the operator created.
        Assert.Equal(expected.Count + 2, status["objects"]!.AsArray().Count);
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Degraded));
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Progressing));

        // The controller writes the status before it records the Event: wait for the Event rather than race it.
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.Events, "team").Any(e => e.GetString("reason") == PipelineConditions.Reasons.Available
            && e.GetString("type") == "Normal" && e["involvedObject"].GetString("uid") == uid), "the Available event of the pipeline");
    }

    [Fact]
    public async Task Spec_change_updates_the_objects_and_prunes_what_is_no_longer_rendered()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(Owned(cluster, KnownResources.PodDisruptionBudgets, "demo-ingest"));
        Assert.Null(Owned(cluster, KnownResources.PodDisruptionBudgets, "demo-aggregator"));
        var generation = cluster.Pipeline("team", "demo")["metadata"].GetLong("generation");

        cluster.EditPipeline("team", "demo", p =>
        {
            p["spec"]!["pubsub"]!["topic"] = "app-logs";
            p["spec"]!["ingest"]!["replicas"] = 1;
            p["spec"]!["aggregator"]!["replicas"] = 3;
        });
        await Eventually.TrueAsync(
            () => cluster.Pipeline("team", "demo")["status"].GetLong("observedGeneration") == generation + 1
                && TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready) == "True",
            "the new generation to be reconciled");

        var ingest = Owned(cluster, KnownResources.Deployments, "demo-ingest")!;
        Assert.Equal(1, ingest["spec"].GetLong("replicas"));
        Assert.Equal("app-logs", EnvValue(ingest, "Pipeline__Topic"));
        Assert.Equal("app-logs", Owned(cluster, KnownResources.DaprSubscriptions, "demo-logs")!["spec"].GetString("topic"));
        Assert.Equal(3, Owned(cluster, KnownResources.Deployments, "demo-aggregator")!["spec"].GetLong("replicas"));
        Assert.NotNull(Owned(cluster, KnownResources.PodDisruptionBudgets, "demo-aggregator"));
        // One ingest replica: its PodDisruptionBudget would block node drains, so it is deleted.
        await Eventually.TrueAsync(() => Owned(cluster, KnownResources.PodDisruptionBudgets, "demo-ingest") is null, "ingest PDB pruned");
        // The deletion is a Kubernetes Event of the pipeline, like its status transitions.
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.Events, "team").Any(e => e.GetString("reason") == LogPipelineReconciler.PrunedReason
            && e.GetString("type") == "Normal" && e.GetString("message")!.Contains("PodDisruptionBudget demo-ingest", StringComparison.Ordinal)), "the Pruned event");
    }

    [Fact]
    public async Task Hand_edits_of_owned_objects_are_put_back_and_deleted_objects_recreated()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        // kubectl edit: replicas, an env var the operator owns, and a label the operator does not render.
        var deployment = Owned(cluster, KnownResources.Deployments, "demo-aggregator")!;
        deployment["spec"]!["replicas"] = 5;
        var env = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        env.OfType<JsonObject>().First(e => e.GetString("name") == "Pipeline__Topic")["value"] = "hijacked";
        deployment["metadata"]!["labels"]!["team"] = "payments";
        cluster.Server.Update(KnownResources.Deployments, deployment, "kubectl-edit");

        await Eventually.TrueAsync(
            () =>
            {
                var live = Owned(cluster, KnownResources.Deployments, "demo-aggregator")!;
                return live["spec"].GetLong("replicas") == 1 && EnvValue(live, "Pipeline__Topic") == PipelineDefaults.LogsTopic;
            },
            "the aggregator Deployment to be restored");
        var restored = Owned(cluster, KnownResources.Deployments, "demo-aggregator")!;
        // Server-side apply merges: a field another manager owns and the operator never rendered stays.
        Assert.Equal("payments", restored.Label("team"));

        // A deleted owned object comes back.
        cluster.Server.Delete(KnownResources.DaprComponents, "team", "demo-pubsub");
        await Eventually.TrueAsync(() => Owned(cluster, KnownResources.DaprComponents, "demo-pubsub") is not null, "the pub/sub component to be recreated");
    }

    [Fact]
    public async Task Deleting_the_LogPipeline_removes_everything_it_created()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var expected = Expected(cluster, "team", "demo");

        cluster.Server.Delete(KnownResources.LogPipelines, "team", "demo");

        await Eventually.TrueAsync(() => expected.All(o => Owned(cluster, o.Type, o.Name) is null), "garbage collection of every owned object");
        // And the controller does not bring them back.
        await Task.Delay(300);
        Assert.All(expected, o => Assert.Null(Owned(cluster, o.Type, o.Name)));
        // Secrets are the user's: untouched.
        Assert.NotNull(cluster.Server.TryGet(KnownResources.Secrets, "team", "pg"));
    }

    [Fact]
    public async Task Missing_secret_reports_Ready_False_with_a_reason_and_applies_nothing()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        // The pipeline without its Postgres Secret.
        var docs = Samples.Minimal.Split("---\n");
        cluster.Apply(docs[1] + "---\n" + docs[2]);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.SecretNotFound);
        var pipeline = cluster.Pipeline("team", "demo");
        var message = TestCluster.Condition(pipeline, PipelineConditions.Ready, "message")!;
        Assert.Contains("Secret \"pg\"", message, StringComparison.Ordinal);
        Assert.Contains("spec.postgres.connectionStringSecretKeyRef", message, StringComparison.Ordinal);
        Assert.Equal("True", TestCluster.Condition(pipeline, PipelineConditions.Degraded));
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.Events, "team").Any(e => e.GetString("type") == "Warning" && e.GetString("reason") == PipelineConditions.Reasons.SecretNotFound),
            "the SecretNotFound warning event");
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }

        // Creating the Secret is enough: the operator looks again by itself.
        cluster.Apply(docs[0]);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }

    [Fact]
    public async Task A_spec_change_that_references_a_missing_key_leaves_the_running_pipeline_untouched()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var before = Expected(cluster, "team", "demo").ToDictionary(o => (o.Type, o.Name), o => Owned(cluster, o.Type, o.Name)!.ResourceVersion());

        cluster.EditPipeline("team", "demo", p =>
        {
            p["spec"]!["ingest"]!["replicas"] = 4;
            p["spec"]!["postgres"]!["connectionStringSecretKeyRef"]!["key"] = "no-such-key";
        });
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.SecretKeyNotFound);

        foreach (var ((type, name), resourceVersion) in before)
        {
            Assert.Equal(resourceVersion, Owned(cluster, type, name)!.ResourceVersion());
        }
        // The endpoints of the still-running pipeline stay reported.
        Assert.NotNull(cluster.Pipeline("team", "demo")["status"].GetString("ingestEndpoint"));
    }

    [Fact]
    public async Task A_conflicting_status_write_is_retried_with_fresh_data()
    {
        await using var cluster = new TestCluster();
        var conflicts = 0;
        var seen = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperatorMetrics.MeterName && instrument.Name == "logdapr.operator.reconcile.errors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                lock (seen)
                {
                    seen.Add($"{tag.Key}={tag.Value}");
                }
                if (tag.Key == "reason" && (string?)tag.Value == "Conflict")
                {
                    Interlocked.Add(ref conflicts, (int)value);
                }
            }
        });
        listener.Start();

        // Another client changes the LogPipeline between the operator's read and its status write, once.
        var raced = 0;
        Exception? hookError = null;
        cluster.Server.BeforeWrite = (operation, type, body) =>
        {
            if (operation == "status" && type == KnownResources.LogPipelines && Interlocked.Exchange(ref raced, 1) == 0)
            {
                try
                {
                    var current = cluster.Server.Get(type, body.Namespace(), body.Name());
                    current["metadata"]!["annotations"] = new JsonObject { ["example.com/touched"] = "yes" };
                    cluster.Server.Update(type, current, "someone-else");
                }
                catch (KubeApiException e)
                {
                    hookError = e;
                }
            }
        };
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Equal(1, raced);
        Assert.Null(hookError);
        Assert.True(conflicts >= 1, $"the first status write should have failed with 409 Conflict (failures seen: {string.Join(",", seen)})");
        Assert.Equal("yes", cluster.Pipeline("team", "demo")["metadata"]!["annotations"]!["example.com/touched"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watches_resume_and_relist_after_410_Gone()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        // The API server forgets history and drops every watch: each informer's next watch gets 410 and must list.
        cluster.Server.Compact();
        cluster.Server.CloseWatches();
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["replicas"] = 3);

        await Eventually.TrueAsync(() => Owned(cluster, KnownResources.Deployments, "demo-ingest")!["spec"].GetLong("replicas") == 3, "the change made during the gap to be reconciled");
        await Eventually.TrueAsync(() => cluster.Controller!.Informers.Any(i => i.Relists > 0), "an informer to relist");
    }

    [Fact]
    public async Task Invalid_spec_the_schema_cannot_catch_is_reported_not_retried_forever()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal.Replace("    type: redis\n", "    type: redis\n", StringComparison.Ordinal));
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        // Without the CRD's admission (e.g. an old CRD still installed) a bad combination can reach the operator.
        var raw = cluster.Pipeline("team", "demo");
        raw["spec"]!["deadLetter"]!["topic"] = raw["spec"]!["pubsub"]!["topic"]!.DeepClone();
        cluster.Server.AddAdmission(KnownResources.LogPipelines, obj => (obj, []));
        cluster.Server.Update(KnownResources.LogPipelines, raw, "kubectl");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.InvalidSpec);
    }

    [Fact]
    public async Task Reconcile_metrics_and_pipelines_by_condition_gauge_are_published()
    {
        await using var cluster = new TestCluster();
        var measurements = new List<(string Name, long Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperatorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString())));
            }
        });
        var durations = 0;
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "logdapr.operator.reconcile.duration")
            {
                Interlocked.Increment(ref durations);
            }
        });
        listener.Start();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        listener.RecordObservableInstruments();

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "logdapr.operator.reconciles" && m.Tags["result"] == "success");
            Assert.Contains(measurements, m => m.Name == "logdapr.operator.pipelines" && m.Tags["condition"] == "Ready" && m.Tags["status"] == "True" && m.Value == 1);
        }
        Assert.True(durations > 0);
    }

    [Fact]
    public async Task Periodic_resync_reconciles_without_any_event()
    {
        await using var cluster = new TestCluster();
        cluster.Start(TestCluster.FastOptions with { ResyncPeriod = TimeSpan.FromMilliseconds(200) });
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var secretReads = cluster.Server.Audit.Count(a => a.Resource == "secrets");

        // Nothing changes; reconciles (which read the referenced Secrets) keep happening.
        await Eventually.TrueAsync(() => cluster.Server.Audit.Count(a => a.Resource == "secrets") >= secretReads + 6, "resync-driven reconciles");
    }

    [Fact]
    public async Task Shutdown_stops_workers_and_informers()
    {
        var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        await cluster.DisposeAsync(); // cancels and awaits the controller (fails if it does not stop)
        Assert.True(cluster.Controller!.Queue.IsShuttingDown);

        var before = cluster.Server.Audit.Count;
        cluster.Server.Delete(KnownResources.DaprComponents, "team", "demo-pubsub");
        await Task.Delay(300);
        Assert.Equal(before, cluster.Server.Audit.Count);
        Assert.Null(cluster.Server.TryGet(KnownResources.DaprComponents, "team", "demo-pubsub"));
    }

    [Fact]
    public void The_API_double_rejects_an_invalid_LogPipeline_like_the_API_server()
    {
        var cluster = new TestCluster();
        var invalid = File.ReadAllText(Path.Combine(RepoPaths.InvalidSamplesDirectory, "wrong-broker-type.yaml"));
        var error = Assert.Throws<KubeApiException>(() => cluster.Apply(invalid));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Contains("spec.pubsub.type: Unsupported value: \"rabbitmq\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_only_changes_do_not_trigger_a_reconcile()
    {
        var before = JsonNode.Parse("""{"metadata":{"name":"p","uid":"u","generation":2},"status":{"observedGeneration":1}}""")!.AsObject();
        var statusOnly = JsonNode.Parse("""{"metadata":{"name":"p","uid":"u","generation":2},"status":{"observedGeneration":2}}""")!.AsObject();
        var specChange = JsonNode.Parse("""{"metadata":{"name":"p","uid":"u","generation":3}}""")!.AsObject();
        Assert.False(LogPipelineController.NeedsReconcile(WatchEventType.Modified, statusOnly, before));
        Assert.True(LogPipelineController.NeedsReconcile(WatchEventType.Modified, specChange, before));
        Assert.True(LogPipelineController.NeedsReconcile(WatchEventType.Added, statusOnly, null));
    }

    [Fact]
    public async Task Without_Dapr_installed_the_pipeline_says_so_and_recovers_once_it_is()
    {
        await using var cluster = new TestCluster();
        foreach (var type in new[] { KnownResources.DaprComponents, KnownResources.DaprSubscriptions, KnownResources.DaprResiliencies })
        {
            cluster.Server.Uninstalled[type] = true;
        }
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.DaprNotInstalled);
        Assert.Contains("components.dapr.io", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        Assert.Empty(cluster.Server.All(KnownResources.Deployments, "team"));

        cluster.Server.Uninstalled.Clear();
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }
}
