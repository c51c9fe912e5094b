using System.Text.Json;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// Tells OTLP/JSON from LogEvent JSON on POST /v1/logs: a body whose top level is an object with a
/// <c>resourceLogs</c> (or <c>resource_logs</c>) property is OTLP. Only the top level is scanned.
/// </summary>
public static class OtlpJsonDetector
{
    public static bool IsOtlp(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("resourceLogs"u8) || reader.ValueTextEquals("resource_logs"u8))
                {
                    return true;
                }

                if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: the LogEvent reader names the error.
        }

        return false;
    }
}
