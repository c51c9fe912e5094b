using System.ComponentModel.DataAnnotations;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Configuration;

/// <summary>
/// Body size and publish behaviour (section "Ingest"). The per-event limits in the same section bind to
/// <see cref="LogEventLimits"/>. Validated at start-up.
/// </summary>
public sealed class IngestOptions
{
    /// <summary>Largest request body accepted, after decompression.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long a request may wait for the sidecar to confirm the publish before answering 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events per published message: the unit of exactly-once counting and of dead-lettering.</summary>
    [Range(1, 100_000)]
    public int EventsPerMessage { get; set; } = 500;

    /// <summary>Upper bound of a published message's data, so messages stay under broker limits (Kafka, NATS: 1 MB).</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int MaxPublishedMessageBytes { get; set; } = 900 * 1024;

    /// <summary>Publish calls to the sidecar in flight at once; concurrent requests queued meanwhile share the next call.</summary>
    [Range(1, 256)]
    public int PublishConcurrency { get; set; } = 4;

    /// <summary>Most messages in one bulk publish call.</summary>
    [Range(1, 100_000)]
    public int MaxMessagesPerPublish { get; set; } = 1000;

    /// <summary>Most data bytes in one publish call: under the sidecar's request limit (Dapr: 4 MiB by default).</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxPublishRequestBytes { get; set; } = 3584 * 1024;

    /// <summary>Seconds announced in Retry-After when the pipeline cannot take the request.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
