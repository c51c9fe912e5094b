using LogDapr.Operator.Controller;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.LeaderElection;
using LogDapr.Operator.Permissions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Hosting;

/// <summary>Runs the controller, behind leader election unless disabled; stops the process when leadership is lost.</summary>
public sealed partial class OperatorService(
    KubernetesApiClient client,
    OperatorOptions options,
    LeaderElectionSettings election,
    OperatorState state,
    OperatorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly ILogger logger = loggerFactory.CreateLogger<OperatorService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var controller = new LogPipelineController(new PermissionGuardedKubeApi(client), options, metrics, time, loggerFactory);
        state.Problems = () => controller.AccessProblems;
        state.Ready = true;
        if (!state.LeaderElect)
        {
            await controller.RunAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        var runner = new LeaderElectedRunner(client.Kubernetes, election, loggerFactory.CreateLogger<LeaderElectedRunner>());
        var lost = await runner.RunAsync(controller.RunAsync, stoppingToken).ConfigureAwait(false);
        if (lost)
        {
            LogExiting(logger);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leadership lost; exiting so that the pod restarts as a follower")]
    private static partial void LogExiting(ILogger logger);
}
