using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Contracts.Events;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Ingest limits (configuration section Ingest).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestLimitsSpec
{
    [Description("Largest request body in bytes, after decompression.")]
    [Range(1024, 268_435_456)]
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    [Description("Most events in one request.")]
    [Range(1, 1_000_000)]
    public int MaxEventsPerBatch { get; set; } = LogEventLimits.Default.MaxEventsPerBatch;

    [Description("Largest message of one event in bytes.")]
    [Range(1, 16_777_216)]
    public int MaxMessageBytes { get; set; } = LogEventLimits.Default.MaxMessageBytes;

    [Description("Most attributes on one event.")]
    [Range(0, 1024)]
    public int MaxAttributes { get; set; } = LogEventLimits.Default.MaxAttributes;

    [Description("Milliseconds ingest waits for the sidecar to confirm a publish before answering 503.")]
    [Range(100, 60_000)]
    public int PublishTimeoutMilliseconds { get; set; } = 2000;
}
