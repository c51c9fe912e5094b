using System.Text.Json;
using LogDapr.Aggregator.Decoding;
using LogDapr.ServiceDefaults.Audit;
using LogDapr.ServiceDefaults.Http;
using Npgsql;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// Deliveries of Pipeline:AuditTopic: audit records of services without Postgres (ingest's API key failures), written
/// into audit_log keyed by their id, so a redelivery stores nothing more. Only apps granted the topic may publish to it
/// (the operator's publishingScopes), but a record is still input: it is bounded and checked like a request. One that
/// is not a record, or is too large, is dropped and logged (retrying it cannot help, and the topic has no dead-letter
/// topic); Postgres unavailable answers RETRY.
/// </summary>
public sealed partial class AuditArrivals(AuditWriter writer, TimeProvider time, ILogger<AuditArrivals> logger)
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <returns>How the delivery went, for the subscription route's answer.</returns>
    public async Task<DeliveryStatus> HandleAsync(HttpContext context)
    {
        var read = await RequestBodyReader.ReadAsync(context.Request, AuditMessage.MaxBytes, context.RequestAborted).ConfigureAwait(false);
        using var body = read.Body;
        if (read.Status != BodyReadStatus.Ok || body is null)
        {
            LogDropped(logger, $"the body could not be read ({read.Status}; at most {AuditMessage.MaxBytes} bytes, uncompressed)");
            return DeliveryStatus.Drop;
        }

        if (Read(body.Memory, out var error) is not { } record)
        {
            LogDropped(logger, error!);
            return DeliveryStatus.Drop;
        }

        var now = time.GetUtcNow();
        // The sender's clock: a record from the future is dated on arrival instead.
        var at = record.At > now + MaxClockSkew ? now : record.At;
        var entry = new AuditEntry(AuditScope.Bound(record.Actor, AuditScope.MaxTextChars)!, record.Action, AuditScope.Bound(record.Tenant, AuditScope.MaxTenantChars),
            AuditScope.Bound(record.Resource, AuditScope.MaxTextChars), AuditScope.Bound(record.RemoteAddress, AuditScope.MaxAddressChars), record.StatusCode, record.Suppressed);
        try
        {
            if (!await writer.WriteArrivedAsync(record.Id, at, entry, context.RequestAborted).ConfigureAwait(false))
            {
                LogRedelivered(logger, record.Id);
            }

            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return DeliveryStatus.Retry;
        }
    }

    /// <summary>The record in a delivered CloudEvent's data, checked; null with the reason when it is not one.</summary>
    public static AuditMessage? Read(ReadOnlyMemory<byte> cloudEvent, out string? error)
    {
        AuditMessage? record;
        try
        {
            using var document = JsonDocument.Parse(cloudEvent);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                error = "not a CloudEvent with a JSON object as data";
                return null;
            }

            record = data.Deserialize<AuditMessage>();
        }
        catch (JsonException ex)
        {
            error = $"not an audit record: {ex.Message}";
            return null;
        }

        error = record switch
        {
            null => "not an audit record",
            { Id: var id } when id == Guid.Empty => "id is missing",
            { Actor: null or "" } => "actor is missing",
            { Action: var action } when !AuditActions.All.Contains(action) => $"unknown action '{AuditScope.Bound(action, 64)}'",
            { StatusCode: < 100 or > 599 } => "status_code is not an HTTP status",
            { Suppressed: < 0 } => "suppressed is negative",
            _ => null,
        };
        return error is null ? record : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit topic delivery dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit record {RecordId} was delivered again; it is stored once")]
    private static partial void LogRedelivered(ILogger logger, Guid recordId);
}
