using System.Net;
using System.Text;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Observability;

/// <summary>Every protocol goes through the same intake; the ingest counters tell them apart by a <c>protocol</c> label.</summary>
[Collection(Support.IsolatedMetricsCollection.Name)]
public sealed class ProtocolLabelTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task A_json_request_is_counted_under_protocol_json_and_the_other_protocols_start_at_zero()
    {
        var client = factory.CreateClient();
        using var content = new StringContent("{\"tenant_id\":\"acme\",\"service\":\"api\",\"severity\":\"loud\",\"message\":\"m\"}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/v1/logs", content);
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith(" 1", Series(metrics, "logdapr_ingest_events_received_total", "protocol=\"json\""));
        Assert.EndsWith(" 1", Series(metrics, "logdapr_ingest_events_rejected_total", "protocol=\"json\"", "reason=\"invalid\""));
        Assert.EndsWith(" 1", Series(metrics, "logdapr_ingest_requests_rejected_total", "protocol=\"json\"", "reason=\"invalid_events\""));
        Assert.EndsWith(" 0", Series(metrics, "logdapr_ingest_events_received_total", "protocol=\"otlp_http\""));
        Assert.EndsWith(" 0", Series(metrics, "logdapr_ingest_requests_rejected_total", "protocol=\"otlp_grpc\"", "reason=\"invalid_events\""));
    }

    private static string Series(string metrics, string name, params string[] labels)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal)
            && labels.All(label => l.Contains(label, StringComparison.Ordinal)));
        Assert.True(line is not null, $"{name} {string.Join(',', labels)} is not exported:\n{metrics}");
        return line;
    }
}
