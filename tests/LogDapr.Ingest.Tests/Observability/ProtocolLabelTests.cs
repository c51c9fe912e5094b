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

    [Fact]
    public async Task Loki_pushes_refused_before_the_intake_are_counted_as_rejected_requests_under_protocol_loki()
    {
        var client = factory.CreateClient();
        async Task<HttpStatusCode> PushAsync(byte[] body, string contentType)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            using var response = await client.PostAsync("/loki/api/v1/push", content);
            return response.StatusCode;
        }

        var statuses = new[]
        {
            await PushAsync("{}"u8.ToArray(), "text/plain"),
            await PushAsync([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "application/x-protobuf"),
            await PushAsync(Snappier.Snappy.CompressToArray([0x0a, 0x05, 0x01]), "application/x-protobuf"),
            await PushAsync("not json"u8.ToArray(), "application/json"),
            // A snappy length header of 2^31 - 16 bytes: over Ingest:MaxBodyBytes before anything is decompressed.
            await PushAsync([0xF0, 0xFF, 0xFF, 0xFF, 0x07, 0x00], "application/x-protobuf"),
        };
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal(
            [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge],
            statuses);
        Assert.EndsWith(" 1", Series(metrics, "logdapr_ingest_requests_rejected_total", "protocol=\"loki\"", "reason=\"unsupported_media_type\""));
        Assert.EndsWith(" 3", Series(metrics, "logdapr_ingest_requests_rejected_total", "protocol=\"loki\"", "reason=\"malformed_payload\""));
        Assert.EndsWith(" 1", Series(metrics, "logdapr_ingest_requests_rejected_total", "protocol=\"loki\"", "reason=\"payload_too_large\""));
    }

    private static string Series(string metrics, string name, params string[] labels)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal)
            && labels.All(label => l.Contains(label, StringComparison.Ordinal)));
        Assert.True(line is not null, $"{name} {string.Join(',', labels)} is not exported:\n{metrics}");
        return line;
    }
}
