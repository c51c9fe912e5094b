namespace LogDapr.ServiceDefaults.Audit;

/// <summary>Actors that are not a caller's identity (column <c>actor</c>).</summary>
public static class AuditActors
{
    /// <summary>A request whose credential did not authenticate: who sent it is unknown.</summary>
    public const string Anonymous = "anonymous";
}
