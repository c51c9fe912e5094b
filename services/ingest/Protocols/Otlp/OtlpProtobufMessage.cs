using System.Buffers;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// An OTLP protobuf ExportLogsServiceRequest (an OTLP/HTTP body or an OTLP/gRPC message), decoded for the intake. Bytes
/// in the shape exporters send (<see cref="OtlpWireScan"/>) are read straight into events (<see cref="OtlpWireEvents"/>);
/// anything else is parsed by Google.Protobuf (<see cref="OtlpEvents"/>), which also gives the error of bytes that are
/// not a valid message. Both give the same events for the same message.
/// </summary>
internal sealed class OtlpProtobufMessage
{
    private readonly ReadOnlyMemory<byte> bytes;
    private readonly ExportLogsServiceRequest? parsed;
    private readonly int scannedRecords;
    private readonly long scannedEventBytes;

    private OtlpProtobufMessage(ReadOnlyMemory<byte> bytes, ExportLogsServiceRequest? parsed, int records, long eventBytes)
    {
        this.bytes = bytes;
        this.parsed = parsed;
        scannedRecords = records;
        scannedEventBytes = eventBytes;
    }

    /// <summary>Whether the bytes are read directly (not through Google.Protobuf's messages).</summary>
    public bool IsDirect => parsed is null;

    /// <summary>The message's bytes as sent: what an Idempotency-Key's fingerprint is taken of.</summary>
    public ReadOnlyMemory<byte> Bytes => bytes;

    /// <summary>Decodes <paramref name="message"/>, which must stay unchanged while the result is used; never throws on any input.</summary>
    public static (OtlpProtobufMessage? Message, string? Error) Decode(ReadOnlyMemory<byte> message)
    {
        if (OtlpWireScan.TryScan(message.Span, out var records, out var eventBytes))
        {
            return (new OtlpProtobufMessage(message, null, records, eventBytes), null);
        }

        var (parsed, error) = OtlpDecoder.Decode(new ReadOnlySequence<byte>(message));
        return parsed is null ? (null, error) : (new OtlpProtobufMessage(message, parsed, 0, 0), null);
    }

    /// <summary>
    /// The message's records as events, or why they are refused as a whole (<see cref="OtlpEvents.Of"/>'s rules: more
    /// than <paramref name="maxRecords"/>, or more than <paramref name="maxBytes"/> as events).
    /// </summary>
    public (IDecodedEvents? Events, int Records, PayloadError? Error) Events(int maxBytes, int maxRecords)
    {
        if (parsed is not null)
        {
            var (events, error) = OtlpEvents.Of(parsed, idsAsJson: false, maxBytes, maxRecords);
            return (events, events?.Records ?? 0, error);
        }

        if (scannedRecords > maxRecords)
        {
            return (null, 0, OtlpEvents.TooManyRecords(scannedRecords, maxRecords));
        }

        return scannedEventBytes > maxBytes
            ? (null, 0, OtlpEvents.TooManyBytes(maxBytes))
            : (new OtlpWireEvents(bytes, scannedRecords), scannedRecords, null);
    }
}
