using System.Net;
using LogDapr.Observability.Tests.Support;

namespace LogDapr.Observability.Tests.Metrics;

/// <summary>/metrics of both services after real traffic, parsed as Prometheus text and compared with what was sent.</summary>
[Collection(ObservedPipelineCollection.Name)]
public sealed class PipelineMetricsTests(ObservedPipeline observed)
{
    [Fact]
    public void Ingest_counts_accepted_rejected_by_reason_rate_limited_and_replayed_events()
    {
        var ingest = observed.IngestMetrics;
        Assert.Equal("counter", ingest.Types["logdapr_ingest_events_accepted_total"]);
        Assert.Equal(observed.AcceptedEvents, ingest.Sum("logdapr_ingest_events_accepted_total"));
        Assert.Equal(observed.InvalidEvents, ingest.Sum("logdapr_ingest_events_rejected_total", ("reason", "invalid")));
        Assert.Equal(observed.InvalidEvents, ingest.Sum("logdapr_ingest_events_rejected_total"));
        Assert.Equal(observed.RateLimitedEvents, ingest.Sum("logdapr_ingest_events_rate_limited_total"));
        Assert.Equal(observed.ReplayedEvents, ingest.Sum("logdapr_ingest_events_duplicate_total"));
        Assert.Equal(observed.ReceivedEvents, ingest.Sum("logdapr_ingest_events_received_total"));
        Assert.Equal(
            ingest.Sum("logdapr_ingest_events_received_total"),
            ingest.Sum("logdapr_ingest_events_accepted_total") + ingest.Sum("logdapr_ingest_events_rejected_total") + ingest.Sum("logdapr_ingest_events_rate_limited_total"));

        Assert.Equal(1, ingest.Sum("logdapr_ingest_requests_rejected_total", ("reason", "invalid_events")));
        Assert.Equal(1, ingest.Sum("logdapr_ingest_requests_rejected_total", ("reason", "malformed_payload")));
        Assert.Equal(1, ingest.Sum("logdapr_ingest_requests_rejected_total", ("reason", "rate_limited")));
        Assert.Equal(1, ingest.Sum("logdapr_ingest_rate_limiter_degraded"));
        Assert.Equal(0, ingest.Sum("logdapr_ingest_publish_in_flight"));
    }

    [Fact]
    public void Ingest_histograms_have_one_observation_per_read_payload_and_per_publish()
    {
        var ingest = observed.IngestMetrics;
        Assert.Equal("histogram", ingest.Types["logdapr_ingest_batch_size"]);
        // Six mixed batches, the all-invalid one, the rate-limited one, the first of the replayed pair, the traced one.
        Assert.Equal(10, ingest.Sum("logdapr_ingest_batch_size_count"));
        Assert.Equal(observed.ReceivedEvents, ingest.Sum("logdapr_ingest_batch_size_sum"));
        Assert.Equal(8, ingest.Sum("logdapr_ingest_publish_duration_seconds_count", ("outcome", "published")));
        var infinite = ingest.Samples.Single(s => s.Name == "logdapr_ingest_publish_duration_seconds_bucket" && s.Label("le") == "+Inf");
        Assert.Equal(8, infinite.Value);

        // Request latency comes from ASP.NET Core's own instrument, by route and status.
        // The eight published requests and the replay, which repeats the stored 202.
        Assert.Equal(9, ingest.Sum("http_server_request_duration_seconds_count", ("http_route", "/v1/logs"), ("http_response_status_code", "202")));
        Assert.Equal(2, ingest.Sum("http_server_request_duration_seconds_count", ("http_route", "/v1/logs"), ("http_response_status_code", "400")));
        Assert.Equal(1, ingest.Sum("http_server_request_duration_seconds_count", ("http_route", "/v1/logs"), ("http_response_status_code", "429")));
        Assert.True(ingest.Has("dotnet_gc_collections_total") || ingest.Has("dotnet_process_cpu_time_seconds_total"), "runtime metrics are missing");
    }

    [Fact]
    public void Aggregator_counts_every_accepted_event_once_and_each_redelivery_as_a_duplicate()
    {
        var aggregator = observed.AggregatorMetrics;
        Assert.Equal(observed.AcceptedEvents, aggregator.Sum("logdapr_aggregator_events_processed_total"));
        Assert.Equal(observed.AcceptedEvents, aggregator.Sum("logdapr_aggregator_events_duplicate_total"));
        Assert.Equal(1, aggregator.Sum("logdapr_aggregator_messages_dead_lettered_total"));
        Assert.True(aggregator.Sum("logdapr_aggregator_dead_letters_stored_total") >= 1);
        Assert.True(aggregator.Sum("logdapr_aggregator_sink_errors_total") >= 1, "the Postgres outage made no sink error");
        Assert.True(aggregator.Sum("logdapr_aggregator_messages_retried_total", ("reason", "sink_unavailable")) >= 1);
        Assert.True(aggregator.Sum("logdapr_aggregator_sink_write_duration_seconds_count", ("outcome", "error")) >= 1);
        Assert.True(aggregator.Sum("logdapr_aggregator_sink_write_duration_seconds_count", ("outcome", "success")) >= 1);
        Assert.Equal(0, aggregator.Sum("logdapr_aggregator_deliveries_in_flight"));
        Assert.True(aggregator.Sum("logdapr_aggregator_messages_received_total") >= aggregator.Sum("logdapr_aggregator_delivery_size_count"));
    }

    [Fact]
    public void Lag_is_a_histogram_with_one_observation_per_written_message_and_the_outage_in_its_tail()
    {
        var aggregator = observed.AggregatorMetrics;
        Assert.Equal("histogram", aggregator.Types["logdapr_aggregator_lag_seconds"]);
        var buckets = aggregator.Samples.Where(s => s.Name == "logdapr_aggregator_lag_seconds_bucket")
            .Select(s => (Le: double.Parse(s.Label("le")!.Replace("+Inf", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), s.Value))
            .OrderBy(b => b.Le)
            .ToList();
        Assert.True(buckets.Count > 5);
        Assert.Equal(aggregator.Sum("logdapr_aggregator_lag_seconds_count"), buckets[^1].Value);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), "buckets are not cumulative");
        // The message sent during the outage waited for Postgres: at least one observation is above a second.
        Assert.True(buckets.First(b => b.Le >= 1).Value < buckets[^1].Value, "no message shows the outage's lag");
    }

    [Fact]
    public void Readyz_lists_each_dependency_with_its_state_and_the_degraded_rate_limiter()
    {
        Assert.Equal(HttpStatusCode.OK, observed.IngestReadyStatus);
        Assert.Equal("Degraded", observed.IngestReady["status"]!.GetValue<string>());
        Assert.Equal("Healthy", observed.IngestReady["checks"]!["dapr-sidecar"]!["status"]!.GetValue<string>());
        Assert.Equal("Degraded", observed.IngestReady["checks"]!["rate-limiter"]!["status"]!.GetValue<string>());
        Assert.Contains("Redis", observed.IngestReady["checks"]!["rate-limiter"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal("Healthy", observed.AggregatorReady["checks"]!["dapr-sidecar"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", observed.AggregatorReady["checks"]!["postgres"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Stats_snapshot_shows_counts_since_start_in_flight_work_and_the_last_error()
    {
        var ingest = observed.IngestStats;
        Assert.Equal("logdapr-ingest", ingest["service"]!.GetValue<string>());
        Assert.True(ingest["uptime_seconds"]!.GetValue<double>() > 0);
        Assert.Equal(observed.AcceptedEvents, ingest["counts"]!["events_accepted"]!.GetValue<long>());
        Assert.Equal(observed.InvalidEvents, ingest["counts"]!["events_rejected"]!["invalid"]!.GetValue<long>());
        Assert.Equal(observed.RateLimitedEvents, ingest["counts"]!["events_rate_limited"]!.GetValue<long>());
        Assert.Equal(0, ingest["in_flight"]!["publishes"]!.GetValue<long>());
        Assert.StartsWith("degraded", ingest["state"]!["rate_limiter"]!.GetValue<string>(), StringComparison.Ordinal);

        var aggregator = observed.AggregatorStats;
        Assert.Equal("logdapr-aggregator", aggregator["service"]!.GetValue<string>());
        Assert.Equal(observed.AcceptedEvents, aggregator["counts"]!["events_processed"]!.GetValue<long>());
        Assert.Equal(0, aggregator["in_flight"]!["deliveries"]!.GetValue<long>());
        Assert.Equal("sink", aggregator["last_error"]!["component"]!.GetValue<string>());
        Assert.Contains("logdapr-postgres", aggregator["last_error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
