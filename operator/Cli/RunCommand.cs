using System.CommandLine;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Hosting;
using LogDapr.Operator.LeaderElection;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Cli;

/// <summary>`run`: reconcile LogPipelines (in-cluster config, or --kubeconfig / ~/.kube/config).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var watchNamespaces = new Option<string>("--watch-namespaces") { Description = "Namespaces to watch, comma-separated (default: all).", HelpName = "a,b", DefaultValueFactory = _ => "" };
        var leaderElect = new Option<bool>("--leader-elect")
        {
            Description = "Hold a Lease before reconciling (default: true).",
            HelpName = "true|false",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => true,
            // The flag alone means true; as in the chart's `--leader-elect=false`, anything but true/1/yes is false.
            CustomParser = result => result.Tokens.Count == 0 || result.Tokens[0].Value is "true" or "1" or "yes",
        };
        var leaseName = new Option<string>("--lease-name") { Description = "Lease name.", HelpName = "NAME", DefaultValueFactory = _ => "logdapr-operator" };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Lease namespace (default: $POD_NAMESPACE or default).", HelpName = "NS" };
        var workers = new Option<int>("--workers") { Description = "Parallel reconciles.", HelpName = "N", DefaultValueFactory = _ => 2 };
        var resyncSeconds = new Option<int>("--resync-seconds") { Description = "Periodic full resync.", HelpName = "N", DefaultValueFactory = _ => 600 };
        var healthPort = new Option<int>("--health-port") { Description = "/healthz, /readyz and /metrics port.", HelpName = "N", DefaultValueFactory = _ => 8081 };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "trace|debug|information|warning|error.", HelpName = "LEVEL", DefaultValueFactory = _ => LogLevel.Information };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig outside a cluster.", HelpName = "PATH" };
        var images = new ImageOptions();
        var command = new Command("run", "Reconcile LogPipelines (in-cluster config, or --kubeconfig / ~/.kube/config).")
        {
            watchNamespaces, leaderElect, leaseName, leaseNamespace, workers, resyncSeconds, healthPort, logLevel, kubeconfig,
        };
        images.AddTo(command);
        command.SetAction((parse, _) =>
        {
            var podNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE");
            return OperatorHost.RunAsync(new OperatorRun
            {
                Options = new OperatorOptions
                {
                    WatchNamespaces = parse.GetValue(watchNamespaces)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Workers = parse.GetValue(workers),
                    ResyncPeriod = TimeSpan.FromSeconds(parse.GetValue(resyncSeconds)),
                    Render = images.RenderOptions(parse),
                },
                LeaderElect = parse.GetValue(leaderElect),
                Election = new LeaderElectionSettings
                {
                    LeaseName = parse.GetValue(leaseName)!,
                    LeaseNamespace = parse.GetValue(leaseNamespace) ?? (string.IsNullOrEmpty(podNamespace) ? "default" : podNamespace),
                    // The pod name in a cluster; elsewhere something unique per process, so two local runs do not share a lease identity.
                    Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}",
                },
                HealthPort = parse.GetValue(healthPort),
                LogLevel = parse.GetValue(logLevel),
                Kubeconfig = parse.GetValue(kubeconfig),
            });
        });
        return command;
    }
}
