using System.Net;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Hosting;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.Operator.Tests;

/// <summary>An operator that RBAC keeps from listing or watching says so in its readiness, instead of "ok".</summary>
public sealed class PermissionReadinessTests
{
    private const string ServiceAccount = "system:serviceaccount:ops:logdapr";

    [Fact]
    public async Task A_refused_list_is_reported_by_the_informer_until_it_is_granted()
    {
        var granted = false;
        var server = new FakeApiServer { Authorizer = (_, _, resource, verb, _, _) => granted || resource != "deployments" };
        var informer = new Informer(new InMemoryKubeApi(server, ServiceAccount), KnownResources.Deployments, "team", null, NullLogger.Instance)
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            ForbiddenRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        };
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => informer.AccessProblem is not null, "the refusal to be reported");
        Assert.Equal(
            "cannot list deployments.apps in namespace \"team\": deployments.apps is forbidden: User \"system:serviceaccount:ops:logdapr\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"team\"",
            informer.AccessProblem);
        Assert.False(informer.Synced.IsCompleted);

        granted = true;
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(informer.AccessProblem);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void Readiness_is_ok_only_without_problems()
    {
        var state = new OperatorState(leaderElect: true);
        Assert.Equal(503, Readiness.Of(state).StatusCode);

        state.Ready = true;
        Assert.Equal((200, "ok\n"), Readiness.Of(state));

        state.Problems = () => ["cannot watch services in all namespaces (cluster scope): forbidden"];
        var (status, body) = Readiness.Of(state);
        Assert.Equal(503, status);
        Assert.Contains("- cannot watch services in all namespaces (cluster scope): forbidden\n", body, StringComparison.Ordinal);
    }

    /// <summary>The real process, its /readyz over HTTP, its log, against the fake API server over a socket refusing with 403.</summary>
    [Fact]
    public async Task The_operator_process_is_not_ready_while_RBAC_refuses_a_watch_and_says_what_is_missing()
    {
        await using var cluster = new TestCluster();
        var granted = false;
        cluster.Server.Authorizer = (user, group, resource, verb, _, _) => granted || !(resource == "deployments" && verb is "list" or "watch");
        await using var run = await OperatorProcess.StartAsync(cluster, ServiceAccount, "--leader-elect=false");
        var (process, healthPort) = (run.Process, run.HealthPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await run.RunAsync(async () =>
        {
            var (status, body) = (HttpStatusCode.OK, "");
            await Eventually.TrueAsync(
                async () =>
                {
                    (status, body) = await ReadyzAsync(http, healthPort, process);
                    return status == HttpStatusCode.ServiceUnavailable && body.Contains("deployments", StringComparison.Ordinal);
                },
                () => $"/readyz to fail naming deployments (last: {(int)status} {body})",
                TimeSpan.FromSeconds(60));
            Assert.StartsWith("not ready: permission denied", body, StringComparison.Ordinal);
            Assert.Contains(
                "- cannot list deployments.apps in all namespaces (cluster scope): deployments.apps is forbidden: User \"system:serviceaccount:ops:logdapr\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope",
                body,
                StringComparison.Ordinal);
            Assert.Contains("Permission denied: the operator cannot list deployments.apps in namespace *", process.Output, StringComparison.Ordinal);

            // Granted (a fixed ClusterRole): ready, and the pipeline is reconciled.
            granted = true;
            await Eventually.TrueAsync(
                async () => (await ReadyzAsync(http, healthPort, process)).Status == HttpStatusCode.OK,
                "/readyz to answer 200 once the permission is granted",
                TimeSpan.FromSeconds(60));
            cluster.Apply(Samples.Minimal);
            await Eventually.TrueAsync(() => cluster.Server.TryGet(KnownResources.Deployments, "team", "demo-aggregator") is not null, "the pipeline's Deployments", TimeSpan.FromSeconds(60));
            Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(30)));
        });
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(HttpClient http, int port, TestProcess process)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the operator exited with {process.ExitCode}");
        }
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, e.Message);
        }
    }
}
