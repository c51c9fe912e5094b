using Google.Protobuf;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>Reads an ExportLogsServiceRequest from OTLP/HTTP protobuf or OTLP/JSON; never throws on any input.</summary>
internal static class OtlpDecoder
{
    // Unknown fields are skipped, as the OTLP receiver does: newer exporters may send fields this version lacks.
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(64));

    public static (ExportLogsServiceRequest? Request, string? Error) Decode(ReadOnlyMemory<byte> body, OtlpEncoding encoding)
    {
        try
        {
            if (encoding == OtlpEncoding.Protobuf)
            {
                return (ExportLogsServiceRequest.Parser.ParseFrom(body.Span), null);
            }

            var text = System.Text.Encoding.UTF8.GetString(body.Span);
            return (Json.Parse<ExportLogsServiceRequest>(text), null);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException
            or InvalidOperationException or OverflowException)
        {
            return (null, $"the body is not a valid OTLP ExportLogsServiceRequest in {(encoding == OtlpEncoding.Protobuf ? "protobuf" : "JSON")}: {ex.Message}");
        }
    }
}
