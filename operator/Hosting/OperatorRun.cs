using LogDapr.Operator.Controller;
using LogDapr.Operator.LeaderElection;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Hosting;

/// <summary>Everything `logdapr-operator run` was told on its command line.</summary>
public sealed record OperatorRun
{
    public required OperatorOptions Options { get; init; }

    public required bool LeaderElect { get; init; }

    public required LeaderElectionSettings Election { get; init; }

    public int HealthPort { get; init; } = 8081;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Used outside a cluster; null means ~/.kube/config.</summary>
    public string? Kubeconfig { get; init; }
}
