namespace LogDapr.Ingest.Tests.Support;

/// <summary>
/// Tests that read /metrics and expect only their own app's numbers. OpenTelemetry listens to meters by name, so every
/// ingest hosted in this test process feeds every other one's exporter; these tests run alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedMetricsCollection
{
    public const string Name = "Isolated metrics";
}
