using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>The API double must behave like an API server, or the controller tests prove nothing.</summary>
public sealed class FakeApiServerTests
{
    private static JsonObject ConfigMapLike(string name, string? owner = null) => new()
    {
        ["apiVersion"] = "dapr.io/v1alpha1",
        ["kind"] = "Component",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "ns",
            ["labels"] = new JsonObject { ["app"] = "x" },
            ["ownerReferences"] = owner is null ? null : new JsonArray(new JsonObject { ["apiVersion"] = "logdapr.io/v1alpha1", ["kind"] = "LogPipeline", ["name"] = "p", ["uid"] = owner, ["controller"] = true }),
        },
        ["spec"] = new JsonObject { ["type"] = "pubsub.redis", ["version"] = "v1" },
    };

    private static JsonObject Deployment(int replicas, params (string Name, string Value)[] env) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = "d", ["namespace"] = "ns" },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "app",
                        ["image"] = "img:1",
                        ["env"] = new JsonArray(env.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["value"] = e.Value }).ToArray()),
                    }),
                },
            },
        },
    };

    private static KubeApiException Throws(Action action) => Assert.Throws<KubeApiException>(action);

    [Fact]
    public void ResourceVersion_increases_and_a_stale_update_gets_409()
    {
        var server = new FakeApiServer();
        var created = server.Create(KnownResources.DaprComponents, ConfigMapLike("a"));
        var rv1 = long.Parse(created.ResourceVersion()!);

        var first = created.DeepClone().AsObject();
        first["spec"]!["version"] = "v2";
        var updated = server.Update(KnownResources.DaprComponents, first);
        Assert.True(long.Parse(updated.ResourceVersion()!) > rv1);

        var stale = created.DeepClone().AsObject();
        stale["spec"]!["version"] = "v3";
        var conflict = Throws(() => server.Update(KnownResources.DaprComponents, stale));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("v2", server.Get(KnownResources.DaprComponents, "ns", "a")["spec"].GetString("version"));
    }

    [Fact]
    public void Not_found_and_already_exists()
    {
        var server = new FakeApiServer();
        Assert.Equal(HttpStatusCode.NotFound, Throws(() => server.Get(KnownResources.DaprComponents, "ns", "missing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, Throws(() => server.Delete(KnownResources.DaprComponents, "ns", "missing")).StatusCode);
        server.Create(KnownResources.DaprComponents, ConfigMapLike("a"));
        var exists = Throws(() => server.Create(KnownResources.DaprComponents, ConfigMapLike("a")));
        Assert.Equal(HttpStatusCode.Conflict, exists.StatusCode);
        Assert.Equal("AlreadyExists", exists.Reason);
    }

    [Fact]
    public async Task Watch_replays_from_a_resourceVersion_and_answers_410_when_it_is_too_old()
    {
        var server = new FakeApiServer();
        var list = server.List(KnownResources.DaprComponents, "ns", null);
        server.Create(KnownResources.DaprComponents, ConfigMapLike("a"));
        server.Create(KnownResources.DaprComponents, ConfigMapLike("b"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var reader = server.Watch(KnownResources.DaprComponents, "ns", null, list.ResourceVersion, cts.Token);
        var first = await reader.ReadAsync(cts.Token);
        var second = await reader.ReadAsync(cts.Token);
        Assert.Equal(("a", WatchEventType.Added), (first.Object.Name(), first.Type));
        Assert.Equal(("b", WatchEventType.Added), (second.Object.Name(), second.Type));

        server.Compact();
        var gone = Throws(() => server.Watch(KnownResources.DaprComponents, "ns", null, list.ResourceVersion, cts.Token));
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        // From the current version it works again.
        _ = server.Watch(KnownResources.DaprComponents, "ns", null, server.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), cts.Token);
    }

    [Fact]
    public void Server_side_apply_merges_with_other_managers_and_removes_what_the_manager_stopped_applying()
    {
        var server = new FakeApiServer();
        server.Apply(KnownResources.Deployments, Deployment(2, ("A", "1"), ("B", "2")), "operator", force: false);

        // Another manager adds an env var and a label.
        var live = server.Get(KnownResources.Deployments, "ns", "d");
        live["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Add(new JsonObject { ["name"] = "EXTRA", ["value"] = "x" });
        live["metadata"]!["labels"] = new JsonObject { ["team"] = "t" };
        server.Update(KnownResources.Deployments, live, "human");

        // The operator applies without B: B goes, EXTRA and the label (owned by "human") stay.
        var result = server.Apply(KnownResources.Deployments, Deployment(2, ("A", "1")), "operator", force: false);
        var env = result["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["A", "EXTRA"], env);
        Assert.Equal("t", result.Label("team"));
    }

    [Fact]
    public void Apply_conflicts_with_another_managers_value_unless_forced()
    {
        var server = new FakeApiServer();
        server.Apply(KnownResources.Deployments, Deployment(2), "operator", force: false);
        var live = server.Get(KnownResources.Deployments, "ns", "d");
        live["spec"]!["replicas"] = 5;
        server.Update(KnownResources.Deployments, live, "kubectl-edit");
        Assert.Contains("f:spec\nf:replicas", server.Managers(KnownResources.Deployments, "ns", "d")["kubectl-edit"].Fields);

        var conflict = Throws(() => server.Apply(KnownResources.Deployments, Deployment(2), "operator", force: false));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("kubectl-edit", conflict.Message, StringComparison.Ordinal);

        var forced = server.Apply(KnownResources.Deployments, Deployment(2), "operator", force: true);
        Assert.Equal(2, forced["spec"].GetLong("replicas"));
        Assert.False(server.Managers(KnownResources.Deployments, "ns", "d").ContainsKey("kubectl-edit"));
    }

    [Fact]
    public void A_no_op_apply_does_not_change_the_resourceVersion()
    {
        var server = new FakeApiServer();
        var first = server.Apply(KnownResources.Deployments, Deployment(2), "operator", force: true);
        var second = server.Apply(KnownResources.Deployments, Deployment(2), "operator", force: true);
        Assert.Equal(first.ResourceVersion(), second.ResourceVersion());
    }

    [Fact]
    public void Status_subresource_is_separate_and_generation_moves_only_with_spec()
    {
        var server = new FakeApiServer();
        var created = server.Create(KnownResources.Deployments, Deployment(1));
        Assert.Equal(1, created["metadata"].GetLong("generation"));

        // Status through the main resource is ignored.
        var withStatus = created.DeepClone().AsObject();
        withStatus["status"] = new JsonObject { ["availableReplicas"] = 1 };
        var afterMain = server.Update(KnownResources.Deployments, withStatus);
        Assert.Null(afterMain["status"]);

        // Through /status it lands, spec changes there are ignored, and generation stays.
        var statusWrite = afterMain.DeepClone().AsObject();
        statusWrite["status"] = new JsonObject { ["availableReplicas"] = 1 };
        statusWrite["spec"]!["replicas"] = 9;
        var afterStatus = server.UpdateStatus(KnownResources.Deployments, statusWrite);
        Assert.Equal(1, afterStatus["status"].GetLong("availableReplicas"));
        Assert.Equal(1, afterStatus["spec"].GetLong("replicas"));
        Assert.Equal(1, afterStatus["metadata"].GetLong("generation"));

        // A metadata-only change keeps the generation; a spec change bumps it.
        var labelled = afterStatus.DeepClone().AsObject();
        labelled["metadata"]!["labels"] = new JsonObject { ["a"] = "b" };
        Assert.Equal(1, server.Update(KnownResources.Deployments, labelled)["metadata"].GetLong("generation"));
        var scaled = server.Get(KnownResources.Deployments, "ns", "d");
        scaled["spec"]!["replicas"] = 3;
        Assert.Equal(2, server.Update(KnownResources.Deployments, scaled)["metadata"].GetLong("generation"));
    }

    [Fact]
    public void Finalizers_block_deletion_until_removed()
    {
        var server = new FakeApiServer();
        var obj = ConfigMapLike("f");
        obj["metadata"]!["finalizers"] = new JsonArray("example.com/cleanup");
        server.Create(KnownResources.DaprComponents, obj);

        server.Delete(KnownResources.DaprComponents, "ns", "f");
        var terminating = server.Get(KnownResources.DaprComponents, "ns", "f");
        Assert.NotNull(terminating["metadata"]!["deletionTimestamp"]);

        terminating["metadata"]!["finalizers"] = new JsonArray();
        server.Update(KnownResources.DaprComponents, terminating);
        Assert.Null(server.TryGet(KnownResources.DaprComponents, "ns", "f"));
    }

    [Fact]
    public async Task Deleting_an_owner_garbage_collects_its_dependents_in_the_background()
    {
        var server = new FakeApiServer();
        var owner = server.Create(KnownResources.DaprComponents, ConfigMapLike("owner"));
        server.Create(KnownResources.DaprComponents, ConfigMapLike("child", owner.Uid()));
        server.Create(KnownResources.DaprComponents, ConfigMapLike("unrelated"));

        server.Delete(KnownResources.DaprComponents, "ns", "owner");
        await Eventually.TrueAsync(() => server.TryGet(KnownResources.DaprComponents, "ns", "child") is null, "the dependent to be collected");
        Assert.NotNull(server.TryGet(KnownResources.DaprComponents, "ns", "unrelated"));
    }

    [Fact]
    public void Rbac_refuses_and_audits()
    {
        var server = new FakeApiServer { Authorizer = (_, group, resource, verb, _, _) => verb == "get" };
        var forbidden = Throws(() => server.As("operator", () => server.Create(KnownResources.DaprComponents, ConfigMapLike("a"))));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains(server.Audit, a => a == ("operator", "dapr.io", "components", "create"));
        // An admin's direct call is not subject to the operator's RBAC.
        server.Create(KnownResources.DaprComponents, ConfigMapLike("a"));
    }
}
