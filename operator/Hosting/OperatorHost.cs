using k8s;
using LogDapr.Operator.Cli;
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
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var healthPort = arguments.Int("--health-port", 8081);
        var logLevel = Enum.Parse<LogLevel>(arguments.Get("--log-level", "information"), ignoreCase: true);
        var namespaces = arguments.Get("--watch-namespaces", "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = new OperatorOptions
        {
            WatchNamespaces = namespaces,
            Workers = arguments.Int("--workers", 2),
            ResyncPeriod = TimeSpan.FromSeconds(arguments.Int("--resync-seconds", 600)),
            Render = CommandLine.RenderOptionsFrom(arguments),
        };
        var leaderElect = arguments.Flag("--leader-elect", true);
        var podNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        var election = new LeaderElectionSettings
        {
            LeaseName = arguments.Get("--lease-name", "logdapr-operator"),
            LeaseNamespace = arguments.Get("--lease-namespace") ?? (string.IsNullOrEmpty(podNamespace) ? "default" : podNamespace),
            // The pod name in a cluster; elsewhere something unique per process, so two local runs do not share a lease identity.
            Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        var kubeconfig = arguments.Get("--kubeconfig");
        var unused = arguments.Unused().ToList();
        if (unused.Count > 0)
        {
            await Console.Error.WriteLineAsync("error: unknown option(s) " + string.Join(", ", unused)).ConfigureAwait(false);
            return 2;
        }

        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            await Console.Error.WriteLineAsync($"error: not running in a cluster and no usable kubeconfig ({e.Message})").ConfigureAwait(false);
            return 1;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(healthPort));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new KubernetesApiClient(configuration));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(election);
        builder.Services.AddSingleton(new OperatorState(leaderElect));
        builder.Services.AddOperatorTelemetry();
        builder.Services.AddHostedService<OperatorService>();

        await using var app = builder.Build();
        var state = app.Services.GetRequiredService<OperatorState>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => state.Ready ? Results.Text("ok") : Results.Text("starting", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapOperatorMetrics();
        await app.RunAsync().ConfigureAwait(false);
        return Environment.ExitCode;
    }
}

