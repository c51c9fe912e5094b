using LogDapr.Ingest.Publishing;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// The event ids of one export's records, which carry none: the <see cref="NameBasedId"/> of everything the event is
/// made of (tenant attribute, timestamp in nanoseconds, severity number and text, service, host, message, trace and span
/// ids, event name, and the flattened resource, scope and record attributes in order), plus the record's occurrence
/// among identical records of the same export (two identical records in one export stay two events). An exporter's
/// retry of the same export (the OpenTelemetry SDKs and the Collector resend it after UNAVAILABLE or a 503) gives the
/// same ids, so the aggregator counts it once; every decoding path (wire, Google.Protobuf, OTLP/JSON) gives the same
/// ids for the same records. A record without a timestamp (time and observed time both unset) gets no id here: its
/// event takes the receive time, so a retry would not be the same event anyway. One instance per export; not
/// thread-safe.
/// </summary>
internal sealed class OtlpRecordIds : IDisposable
{
    private const string Tag = "logdapr/event/otlp/v1";
    private const int TextValue = 1, BooleanValue = 2;

    private readonly NameBasedId name = new(Tag, NameDigest.XxHash128);
    private readonly Dictionary<string, int> occurrences = new(StringComparer.Ordinal);

    /// <param name="tenant">The tenant the resource names, if any (the caller's default tenant is not part of the id: the message ids and the store key by tenant).</param>
    /// <param name="attributes">Resource, scope and record attributes as flattened, before the ones derived from the record's fields.</param>
    public string? For(string? tenant, in OtlpEvents.RecordFields record, string service, string? host, IReadOnlyList<KeyValuePair<string, OtlpEvents.Value>> attributes)
    {
        if (record.Nanos == 0)
        {
            return null;
        }

        var id = Hash(tenant, record, service, host, attributes, 0);
        ref var before = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(occurrences, id, out _);
        if (before > 0)
        {
            id = Hash(tenant, record, service, host, attributes, before);
        }

        before++;
        return id;
    }

    private string Hash(string? tenant, in OtlpEvents.RecordFields record, string service, string? host,
        IReadOnlyList<KeyValuePair<string, OtlpEvents.Value>> attributes, int occurrence)
    {
        name.Add(tenant ?? "").Add(record.Nanos).Add(record.SeverityNumber).Add(record.SeverityText).Add(service).Add(host ?? "")
            .Add(record.Message).Add(record.TraceId ?? "").Add(record.SpanId ?? "").Add(record.EventName).Add(attributes.Count);
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = attributes[i];
            name.Add(key);
            if (value.Text is { } text)
            {
                name.Add(TextValue).Add(text);
            }
            else
            {
                name.Add(BooleanValue).Add(value.Boolean ? 1 : 0);
            }
        }

        return name.Add(occurrence).ToUuid();
    }

    public void Dispose() => name.Dispose();
}
