using System.Net;
using System.Net.Sockets;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// `logdapr-operator run` as a real process (the built executable, its host, Kestrel probes, JSON logs, leader
/// election, KubernetesClient over a socket) against the fake API server, stopped with SIGTERM.
/// </summary>
public sealed class OperatorProcessTests
{
    [Fact]
    public async Task Run_reconciles_serves_probes_and_exits_cleanly_on_SIGTERM()
    {
        await using var cluster = new TestCluster();
        await using var run = await OperatorProcess.StartAsync(cluster, "system:serviceaccount:ops:logdapr", "--lease-namespace", "ops");
        await run.RunAsync(() => RunScenarioAsync(cluster, run.Process, run.HealthPort));
    }

    /// <summary>/metrics on the health port, in Prometheus text: reconciles by result and pipelines by condition.</summary>
    private static async Task AssertMetricsExportedAsync(HttpClient http, int healthPort)
    {
        var samples = new List<(string Name, string Labels, double Value)>();
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/metrics"));
                Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
                samples = [.. (await response.Content.ReadAsStringAsync()).Split('\n')
                    .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$"))
                    .Where(m => m.Success)
                    .Select(m => (m.Groups[1].Value, m.Groups[2].Value, double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)))];
                return samples.Any(s => s.Name == "logdapr_operator_pipelines" && s.Labels.Contains("condition=\"Ready\"", StringComparison.Ordinal)
                    && s.Labels.Contains("status=\"True\"", StringComparison.Ordinal) && s.Value == 1);
            },
            "logdapr_operator_pipelines{condition=\"Ready\",status=\"True\"} 1 at /metrics",
            TimeSpan.FromSeconds(20));
        Assert.Contains(samples, s => s.Name == "logdapr_operator_reconciles_total" && s.Labels.Contains("result=\"success\"", StringComparison.Ordinal) && s.Value >= 1);
        Assert.Contains(samples, s => s.Name == "logdapr_operator_reconcile_duration_seconds_count" && s.Value >= 1);
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    private static async Task RunScenarioAsync(TestCluster cluster, TestProcess process, int healthPort)
    {
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"the operator exited with {process.ExitCode}");
                    }
                    try
                    {
                        return (await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"))).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                    catch (TaskCanceledException)
                    {
                        return false;
                    }
                },
                "the operator's /readyz",
                TimeSpan.FromSeconds(60));
            Assert.True((await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/healthz"))).IsSuccessStatusCode);

            cluster.Apply(Samples.Minimal);
            cluster.DeploymentsBecomeAvailable = true;
            _ = Task.Run(async () =>
            {
                // Deployment controller stand-in (TestCluster.Start is not used: the controller is the process).
                while (!process.HasExited)
                {
                    foreach (var deployment in cluster.Server.All(KnownResources.Deployments))
                    {
                        var generation = deployment["metadata"].GetLong("generation") ?? 1;
                        if (deployment["status"].GetLong("observedGeneration") == generation)
                        {
                            continue;
                        }
                        var replicas = deployment["spec"].GetLong("replicas") ?? 1;
                        deployment["status"] = new System.Text.Json.Nodes.JsonObject { ["observedGeneration"] = generation, ["updatedReplicas"] = replicas, ["availableReplicas"] = replicas };
                        try
                        {
                            cluster.Server.UpdateStatus(KnownResources.Deployments, deployment, "kube-controller-manager");
                        }
                        catch (KubeApiException)
                        {
                        }
                    }
                    await Task.Delay(50);
                }
            });
            await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True", timeout: TimeSpan.FromSeconds(60));
            Assert.Equal("operator-0", cluster.Server.Get(KnownResources.Leases, "ops", "logdapr-operator")["spec"].GetString("holderIdentity"));
            await AssertMetricsExportedAsync(http, healthPort);

            // Graceful stop.
            Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(30)));
            var log = process.Output;
            Assert.Contains("\"Category\":\"LogDapr.Operator.Controller.LogPipelineController\"", log, StringComparison.Ordinal);
            Assert.Contains("Controller stopped", log, StringComparison.Ordinal);
        }
    }
}
