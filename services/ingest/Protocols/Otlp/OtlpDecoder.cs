using System.Buffers;
using Google.Protobuf;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>Reads an ExportLogsServiceRequest from OTLP/HTTP protobuf, OTLP/JSON or an OTLP/gRPC message; never throws on any input.</summary>
internal static class OtlpDecoder
{
    // Unknown fields are skipped, as the OTLP receiver does: newer exporters may send fields this version lacks.
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(64));

    public static (ExportLogsServiceRequest? Request, string? Error) Decode(ReadOnlyMemory<byte> body, OtlpEncoding encoding)
    {
        if (encoding == OtlpEncoding.Protobuf)
        {
            return Decode(new ReadOnlySequence<byte>(body));
        }

        try
        {
            var text = System.Text.Encoding.UTF8.GetString(body.Span);
            return (Json.Parse<ExportLogsServiceRequest>(text), null);
        }
        catch (Exception ex) when (IsDecodeError(ex))
        {
            return (null, $"the body is not a valid OTLP ExportLogsServiceRequest in JSON: {ex.Message}");
        }
    }

    /// <summary>A protobuf ExportLogsServiceRequest (an OTLP/HTTP body, or the message of an OTLP/gRPC call).</summary>
    public static (ExportLogsServiceRequest? Request, string? Error) Decode(in ReadOnlySequence<byte> message)
    {
        try
        {
            return (ExportLogsServiceRequest.Parser.ParseFrom(message), null);
        }
        catch (Exception ex) when (IsDecodeError(ex))
        {
            return (null, $"the body is not a valid OTLP ExportLogsServiceRequest in protobuf: {ex.Message}");
        }
    }

    private static bool IsDecodeError(Exception ex) => ex is InvalidProtocolBufferException or InvalidJsonException or FormatException
        or ArgumentException or InvalidOperationException or OverflowException;
}
