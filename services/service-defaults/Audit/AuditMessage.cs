using System.Text.Json.Serialization;

namespace LogDapr.ServiceDefaults.Audit;

/// <summary>
/// An audit record sent by a service without Postgres (ingest) to the aggregator, which writes it: the data of a
/// CloudEvent on Pipeline:AuditTopic. <see cref="Id"/> is the CloudEvent id and the record's key in audit_log, so a
/// redelivered message stores one row. Like the stored record it holds who, never a key, and no request body.
/// </summary>
public sealed record AuditMessage(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("tenant")] string? Tenant,
    [property: JsonPropertyName("resource")] string? Resource,
    [property: JsonPropertyName("remote_address")] string? RemoteAddress,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("suppressed")] int Suppressed)
{
    /// <summary>The CloudEvent type of an audit message.</summary>
    public const string CloudEventType = "io.logdapr.audit.v1";

    /// <summary>Bound of a message's body on the aggregator's audit route: a record is a few hundred bytes.</summary>
    public const int MaxBytes = 16 * 1024;
}
