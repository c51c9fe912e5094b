namespace LogDapr.Operator.Hosting;

/// <summary>What the probes report.</summary>
public sealed class OperatorState(bool leaderElect)
{
    public bool LeaderElect { get; } = leaderElect;

    /// <summary>A standby replica is ready too: readiness is about the process, leadership about the work.</summary>
    public volatile bool Ready;
}
