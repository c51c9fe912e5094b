using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Http;

/// <summary>The body exceeded --max-body-size; daprd's reader fails with this text (dapr/kit streams.ErrStreamTooLarge).</summary>
public sealed class BodyTooLargeException() : Exception("stream too large");

/// <summary>The body is not the JSON the handler expects; the message is what Go's decoder would say, as near as practical.</summary>
public sealed class GoJsonException(string message) : Exception(message);

/// <summary>
/// Reading request bodies as daprd does: at most --max-body-size bytes (daprd wraps every body in a limit reader,
/// pkg/api/http/middlewares.go MaxBodySizeMiddleware), and JSON decoded like Go's json.Decoder — only the first
/// value is read and whatever follows is ignored.
/// </summary>
public static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            throw new BodyTooLargeException();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new BodyTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>json.NewDecoder(body).Decode(&amp;v): the first JSON value; an empty body is "EOF".</summary>
    public static JsonNode? DecodeFirst(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new GoJsonException("EOF");
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
            // Property names stay case-sensitive: payloads (events, values) may hold keys differing only in case, as Go's
            // map[string]interface{} does; struct fields are looked up with JsonRead.Get (exact, then any case).
            return JsonNode.Parse(ref reader);
        }
        catch (JsonException ex)
        {
            throw new GoJsonException(ex.BytePositionInLine is null ? "unexpected EOF" : $"invalid character: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // A key given twice; Go keeps the last, this reader refuses it.
            throw new GoJsonException(ex.Message);
        }
    }

    /// <summary>A string field of a Go struct: absent or null is "", another JSON type is Go's type error.</summary>
    public static string GoString(JsonNode? value, string goField)
    {
        if (value is null)
        {
            return "";
        }

        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw new GoJsonException($"json: cannot unmarshal {GoKind(value)} into Go struct field {goField} of type string");
    }

    /// <summary>A map[string]string field: absent or null is null.</summary>
    public static Dictionary<string, string>? GoStringMap(JsonNode? value, string goField)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject obj)
        {
            throw new GoJsonException($"json: cannot unmarshal {GoKind(value)} into Go struct field {goField} of type map[string]string");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, item) in obj)
        {
            map[key] = GoString(item, goField);
        }

        return map;
    }

    public static string GoKind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>The JSON text Go's json.Marshal writes for a decoded value (absent data is <c>null</c>).</summary>
    public static byte[] JsonBytes(JsonNode? node) => GoJsonEncoder.Marshal(node);
}
