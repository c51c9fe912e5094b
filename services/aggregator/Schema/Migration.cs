namespace LogDapr.Aggregator.Schema;

/// <summary>One versioned schema change; <c>Sql</c> has the target schema substituted.</summary>
public sealed record Migration(int Version, string Name, string Sql);
