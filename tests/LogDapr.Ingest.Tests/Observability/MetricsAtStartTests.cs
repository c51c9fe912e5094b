using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Observability;

/// <summary>Dashboards and rate() need every counter from the start: before the first request each known series reads 0.</summary>
[Collection(Support.IsolatedMetricsCollection.Name)]
public sealed class MetricsAtStartTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown();

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("logdapr_ingest_events_received_total", null)]
    [InlineData("logdapr_ingest_events_accepted_total", null)]
    [InlineData("logdapr_ingest_events_rate_limited_total", null)]
    [InlineData("logdapr_ingest_events_duplicate_total", null)]
    [InlineData("logdapr_ingest_events_rejected_total", "invalid")]
    [InlineData("logdapr_ingest_events_rejected_total", "forbidden_tenant")]
    [InlineData("logdapr_ingest_events_rejected_total", "unpublished")]
    [InlineData("logdapr_ingest_requests_rejected_total", "rate_limited")]
    [InlineData("logdapr_ingest_requests_rejected_total", "overloaded")]
    [InlineData("logdapr_ingest_requests_rejected_total", "publish_unavailable")]
    [InlineData("logdapr_ingest_requests_rejected_total", "request_timeout")]
    public async Task Each_known_series_is_exported_at_zero_before_the_first_request(string name, string? reason)
    {
        var metrics = await factory.CreateClient().GetStringAsync("/metrics");

        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal)
            && (reason is null || l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal)));
        Assert.True(line is not null, $"{name} {reason} is not exported:\n{metrics}");
        Assert.EndsWith(" 0", line, StringComparison.Ordinal);
    }
}
