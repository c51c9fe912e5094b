using k8s;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.LeaderElection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Hosting;

/// <summary>
/// `logdapr-operator run`: Kestrel for probes and /metrics, JSON console logs, and the controller behind leader election.
/// SIGTERM stops the host; the controller drains in-flight reconciles within the shutdown timeout.
/// </summary>
public static class OperatorHost
{
    public static async Task<int> RunAsync(OperatorRun run)
    {
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(run.Kubeconfig);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            await Console.Error.WriteLineAsync($"error: not running in a cluster and no usable kubeconfig ({e.Message})").ConfigureAwait(false);
            return 1;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        builder.Logging.SetMinimumLevel(run.LogLevel);
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(run.HealthPort));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new KubernetesApiClient(configuration));
        builder.Services.AddSingleton(run.Options);
        builder.Services.AddSingleton(run.Election);
        builder.Services.AddSingleton(new OperatorState(run.LeaderElect));
        builder.Services.AddOperatorTelemetry();
        builder.Services.AddHostedService<OperatorService>();

        await using var app = builder.Build();
        var state = app.Services.GetRequiredService<OperatorState>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () =>
        {
            var (statusCode, body) = Readiness.Of(state);
            return Results.Text(body, statusCode: statusCode);
        });
        app.MapOperatorMetrics();
        await app.RunAsync().ConfigureAwait(false);
        return Environment.ExitCode;
    }
}

