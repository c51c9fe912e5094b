namespace LogDapr.Operator.Controller;

/// <summary>What the worker does with the key after a successful reconcile.</summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter, string Outcome)
{
    public static ReconcileResult Done(string outcome = "success") => new(null, outcome);

    public static ReconcileResult After(TimeSpan delay, string outcome) => new(delay, outcome);
}
