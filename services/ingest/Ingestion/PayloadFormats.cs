using LogDapr.Contracts.Events;
using Microsoft.Net.Http.Headers;

namespace LogDapr.Ingest.Ingestion;

/// <summary>Maps a request Content-Type to the payload format it announces.</summary>
internal static class PayloadFormats
{
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";
    public static readonly string[] Accepted = [Json, Ndjson, "application/jsonl", "application/json-lines"];

    public static PayloadFormat? FromContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        var type = media.MediaType.Value;
        if (string.Equals(type, Json, StringComparison.OrdinalIgnoreCase)
            || (type?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return PayloadFormat.Json;
        }

        return Accepted.Skip(1).Any(a => string.Equals(a, type, StringComparison.OrdinalIgnoreCase))
            ? PayloadFormat.Ndjson
            : null;
    }
}
