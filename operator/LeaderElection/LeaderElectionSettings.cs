namespace LogDapr.Operator.LeaderElection;

/// <summary>Lease timing; client-go's defaults. RenewDeadline must stay below LeaseDuration.</summary>
public sealed record LeaderElectionSettings
{
    public string LeaseName { get; init; } = "logdapr-operator";

    public string LeaseNamespace { get; init; } = "default";

    public string Identity { get; init; } = Environment.MachineName;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
