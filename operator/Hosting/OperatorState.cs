namespace LogDapr.Operator.Hosting;

/// <summary>What the probes report.</summary>
public sealed class OperatorState(bool leaderElect)
{
    public bool LeaderElect { get; } = leaderElect;

    /// <summary>A standby replica is ready too: readiness is about the process, leadership about the work.</summary>
    public volatile bool Ready;

    /// <summary>
    /// Why the operator cannot do its work although the process is up (permissions RBAC refuses), one line each;
    /// empty when nothing stands in the way. Set by whoever runs the controller.
    /// </summary>
    public Func<IReadOnlyList<string>> Problems { get; set; } = () => [];
}
