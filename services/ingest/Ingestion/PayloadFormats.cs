using LogDapr.Contracts.Events;
using Microsoft.Net.Http.Headers;

namespace LogDapr.Ingest.Ingestion;

/// <summary>Maps a request Content-Type to the payload format it announces.</summary>
internal static class PayloadFormats
{
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";
    public static readonly string[] Accepted = [Json, Ndjson, "application/jsonl", "application/json-lines"];

    /// <summary>Bodies are read as UTF-8; US-ASCII is a subset of it. Anything else would be read wrongly.</summary>
    private static readonly string[] Charsets = ["utf-8", "utf8", "us-ascii"];

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

    /// <returns>The charset parameter when it names something other than UTF-8, else null.</returns>
    public static string? UnsupportedCharset(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.Charset.HasValue)
        {
            return null;
        }

        var charset = media.Charset.Value!.Trim('"');
        return Charsets.Any(c => string.Equals(c, charset, StringComparison.OrdinalIgnoreCase)) ? null : charset;
    }
}
