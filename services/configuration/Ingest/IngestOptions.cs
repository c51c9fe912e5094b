using System.ComponentModel.DataAnnotations;
using LogDapr.Contracts.Events;

namespace LogDapr.Configuration.Ingest;

/// <summary>
/// Body size and publish behaviour (section "Ingest"). The per-event limits in the same section bind to
/// <see cref="LogEventLimits"/>. Validated at start-up.
/// </summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Ingest";

    /// <summary>Room in a publish request for one message's CloudEvent envelope beyond its data (attributes, trace context).</summary>
    public const int EnvelopeAllowanceBytes = 64 * 1024;

    /// <summary>Largest request body accepted, after decompression.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long a client may take to send its whole body (408 after that). Kestrel's minimum data rate alone lets a
    /// client at 300 B/s hold a connection for as long as its body lasts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxBodyReadTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rejected events an answer lists with their errors; beyond them it gives totals per field only.</summary>
    [Range(0, 100_000)]
    public int MaxRejectedDetails { get; set; } = 100;

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

    /// <summary>
    /// Most bytes of one bulk publish as serialized for the sidecar (gRPC request, every CloudEvent envelope and trace
    /// context included): under daprd's request limit (--max-body-size, 4 MiB by default), with a margin.
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxPublishRequestBytes { get; set; } = 3584 * 1024;

    /// <summary>Seconds announced in Retry-After when the pipeline cannot take the request.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The port of OTLP/gRPC (LogsService/Export, HTTP/2 without TLS), beside the HTTP port on the same hosts; 0 turns
    /// it off (and Kestrel then takes its listeners from ASPNETCORE_URLS alone, as before).
    /// </summary>
    [Range(0, 65535)]
    public int OtlpGrpcPort { get; set; } = Pipeline.PipelineDefaults.IngestOtlpGrpcPort;

    /// <summary>
    /// The tenant of events without <c>tenant_id</c> while authentication is off (<c>Auth:Enabled=false</c>, local runs).
    /// With auth on, the API key decides: a key bound to a tenant fills in its tenant, an admin key requires the field.
    /// </summary>
    public string? DefaultTenant { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultTenant is not null && TenantIds.Problem(DefaultTenant) is { } problem)
        {
            yield return new ValidationResult($"Ingest:DefaultTenant '{DefaultTenant}' is not a valid tenant id: {problem}.", [nameof(DefaultTenant)]);
        }

        if ((long)MaxPublishedMessageBytes + EnvelopeAllowanceBytes > MaxPublishRequestBytes)
        {
            yield return new ValidationResult(
                $"Ingest:MaxPublishRequestBytes ({MaxPublishRequestBytes}) must leave room for one message of Ingest:MaxPublishedMessageBytes "
                + $"({MaxPublishedMessageBytes}) plus {EnvelopeAllowanceBytes} bytes of CloudEvent envelope.",
                [nameof(MaxPublishRequestBytes), nameof(MaxPublishedMessageBytes)]);
        }
    }
}
