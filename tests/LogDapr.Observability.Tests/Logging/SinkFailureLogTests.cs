using System.Text.Json;
using LogDapr.Observability.Tests.Support;

namespace LogDapr.Observability.Tests.Logging;

/// <summary>What the aggregator's JSON log says while Postgres is down: why, for which request's trace, and never the data.</summary>
[Collection(ObservedPipelineCollection.Name)]
public sealed class SinkFailureLogTests(ObservedPipeline observed)
{
    [Fact]
    public void A_failing_postgres_write_is_logged_with_the_requests_trace_id_and_the_error_but_not_the_payload()
    {
        var lines = observed.AggregatorLog.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var failure = lines.FirstOrDefault(l => l.GetProperty("Message").GetString()!.StartsWith("Sink write failed", StringComparison.Ordinal)
            && l.GetRawText().Contains(observed.OutageTraceId, StringComparison.Ordinal));
        Assert.True(failure.ValueKind == JsonValueKind.Object, "no 'Sink write failed' line names the trace of the request sent during the outage");

        Assert.Equal("Warning", failure.GetProperty("LogLevel").GetString());
        Assert.Contains("binding 'logdapr-postgres' exec failed", failure.GetProperty("State").GetProperty("Error").GetString(), StringComparison.Ordinal);
        var scopes = failure.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32);
        Assert.Contains(scopes, s => s.TryGetProperty("SpanId", out var id) && id.GetString()!.Length == 16);
        Assert.Contains(scopes, s => s.TryGetProperty("MessageTraceIds", out var ids) && ids.GetString()!.Contains(observed.OutageTraceId, StringComparison.Ordinal));

        // The event's message text reached Postgres in the end, and no log line of either service on the way.
        Assert.DoesNotContain(observed.PayloadMarker, observed.AggregatorLog, StringComparison.Ordinal);
        Assert.DoesNotContain(observed.PayloadMarker, observed.IngestLog, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_log_line_written_during_a_request_carries_trace_and_span_ids()
    {
        var lines = observed.AggregatorLog.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("Category").GetString()!.StartsWith("LogDapr.", StringComparison.Ordinal)
                && l.GetRawText().Contains("RequestPath", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("TraceId", out _) && s.TryGetProperty("SpanId", out _)));
    }

    [Fact]
    public void Every_log_line_of_both_services_has_an_RFC_3339_UTC_timestamp_that_log_parsers_accept()
    {
        var lines = (observed.AggregatorLog + "\n" + observed.IngestLog).Split('\n').Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            var text = line.GetProperty("Timestamp").GetString()!;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", text);
            var parsed = DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs((DateTimeOffset.UtcNow - parsed).TotalHours) < 1, $"{text} is not the current UTC time");
        });
    }
}
