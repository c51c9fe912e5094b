namespace LogDapr.Aggregator.Database.Migrations;

/// <summary>One versioned schema change; <c>Sql</c> has the target schema substituted.</summary>
public sealed record Migration(int Version, string Name, string Sql);
