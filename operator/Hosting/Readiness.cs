namespace LogDapr.Operator.Hosting;

/// <summary>
/// The answer of /readyz. A process that runs but cannot list or watch what it reconciles is not ready: saying
/// "ok" there would hide a missing RBAC rule behind an operator that silently does nothing. The body names what
/// is missing, for `kubectl describe pod` (probe failures quote it) and for a human with curl.
/// </summary>
public static class Readiness
{
    public static (int StatusCode, string Body) Of(OperatorState state)
    {
        if (!state.Ready)
        {
            return (503, "starting\n");
        }
        var problems = state.Problems();
        if (problems.Count > 0)
        {
            return (503, "not ready: permission denied; grant these in the operator's Role or ClusterRole (the chart's RBAC grants them):\n"
                + string.Concat(problems.Select(p => $"- {p}\n")));
        }
        return (200, "ok\n");
    }
}
