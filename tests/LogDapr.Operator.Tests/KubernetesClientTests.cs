using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>
/// The production <see cref="KubernetesApiClient"/> (KubernetesClient's HTTP pipeline, REST paths, apply patches,
/// watch streams, Status errors) against the fake served over an in-process HTTP handler.
/// </summary>
public sealed class KubernetesClientTests
{
    private static (FakeApiServer Server, KubernetesApiClient Client) Connect()
    {
        var server = new FakeApiServer();
        var client = new KubernetesApiClient(ApiServerHttpHandler.Configuration, new ApiServerHttpHandler(server, "logdapr-operator"));
        return (server, client);
    }

    [Fact]
    public async Task Crud_apply_and_errors_map_to_KubeApiException()
    {
        var (server, client) = Connect();
        using var owned = client;
        var component = new JsonObject
        {
            ["apiVersion"] = "dapr.io/v1alpha1",
            ["kind"] = "Component",
            ["metadata"] = new JsonObject { ["name"] = "c", ["namespace"] = "ns" },
            ["spec"] = new JsonObject { ["type"] = "pubsub.redis", ["version"] = "v1" },
        };
        var applied = await client.ApplyAsync(KnownResources.DaprComponents, component, "logdapr-operator", force: true, CancellationToken.None);
        Assert.NotNull(applied.Uid());
        Assert.Equal("Apply", server.Managers(KnownResources.DaprComponents, "ns", "c")["logdapr-operator"].Operation);

        var got = await client.GetAsync(KnownResources.DaprComponents, "ns", "c", CancellationToken.None);
        Assert.Equal(applied.ResourceVersion(), got.ResourceVersion());

        var list = await client.ListAsync(KnownResources.DaprComponents, null, null, CancellationToken.None);
        Assert.Single(list.Items);
        Assert.Equal("Component", list.Items[0].GetString("kind"));

        var missing = await Assert.ThrowsAsync<KubeApiException>(() => client.GetAsync(KnownResources.Secrets, "ns", "nope", CancellationToken.None));
        Assert.True(missing.IsNotFound);

        var duplicate = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(KnownResources.DaprComponents, component, CancellationToken.None));
        Assert.Equal("AlreadyExists", duplicate.Reason);

        await client.DeleteAsync(KnownResources.DaprComponents, "ns", "c", CancellationToken.None);
        Assert.Null(server.TryGet(KnownResources.DaprComponents, "ns", "c"));
    }

    [Fact]
    public async Task Watch_streams_events_and_reports_410_as_Gone()
    {
        var (server, client) = Connect();
        using var owned = client;
        var start = server.CurrentRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in client.WatchAsync(KnownResources.Secrets, "ns", null, start, cts.Token))
            {
                events.Add(change);
                if (events.Count == 2)
                {
                    return;
                }
            }
        });
        server.Create(KnownResources.Secrets, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "s", ["namespace"] = "ns" }, ["data"] = new JsonObject() });
        server.Delete(KnownResources.Secrets, "ns", "s");
        await watching.WaitAsync(cts.Token);
        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events.Select(e => e.Type));

        server.Compact();
        var gone = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var change in client.WatchAsync(KnownResources.Secrets, "ns", null, start, cts.Token))
            {
                _ = change;
            }
        });
        Assert.True(gone.IsGone);
    }

    [Fact]
    public async Task The_controller_works_end_to_end_through_KubernetesClient()
    {
        var server = new FakeApiServer();
        using var client = new KubernetesApiClient(ApiServerHttpHandler.Configuration, new ApiServerHttpHandler(server, "logdapr-operator"));
        await using var cluster = new TestClusterOver(server, client);
        cluster.Cluster.Start();
        cluster.Cluster.Apply(Samples.Minimal);
        await cluster.Cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Equal(15, KnownResources.Owned.Sum(t => server.All(t, "team").Count));
    }

    /// <summary>A <see cref="TestCluster"/> whose controller talks HTTP to a given server.</summary>
    private sealed class TestClusterOver : IAsyncDisposable
    {
        public TestClusterOver(FakeApiServer server, IKubeApi api)
        {
            Cluster = new TestCluster(server, api);
        }

        public TestCluster Cluster { get; }

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }
}
