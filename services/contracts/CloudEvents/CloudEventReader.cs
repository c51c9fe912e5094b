using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace LogDapr.Contracts.CloudEvents;

/// <summary>
/// Reads the attributes of a received CloudEvent (JSON format) in place, from the delivery's own JsonElement: nothing
/// is copied but what is asked for. Total: a missing or ill-typed attribute reads as absent, never as an exception, so
/// the consumer decides what makes a message poison.
/// </summary>
public static class CloudEventReader
{
    /// <summary>The attribute's string value, or null when it is missing, not a string, or an escaped lone surrogate.</summary>
    public static string? GetString(JsonElement cloudEvent, string attribute)
        => cloudEvent.TryGetProperty(attribute, out var value) ? StringValue(value) : null;

    /// <summary>A JSON value read as an attribute is: its string, or null when it is not a string or an escaped lone surrogate.</summary>
    public static string? StringValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The W3C trace context the producer published with: <c>traceparent</c>, else Dapr's <c>traceid</c>.</summary>
    public static (string? TraceParent, string? TraceState) TraceContext(JsonElement cloudEvent)
    {
        var traceParent = GetString(cloudEvent, CloudEventAttributes.TraceParent) ?? GetString(cloudEvent, CloudEventAttributes.TraceId);
        return traceParent is null ? (null, null) : (traceParent, GetString(cloudEvent, CloudEventAttributes.TraceState));
    }

    /// <summary>
    /// The event's data as UTF-8 JSON text: a view into the delivery for JSON data, the decoded bytes of
    /// <c>data_base64</c>, or the text of a string that holds JSON (what text/plain publishers of JSON produce).
    /// </summary>
    /// <param name="error">Why there is no data to read, when false is returned.</param>
    public static bool TryGetData(JsonElement cloudEvent, out ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        if (cloudEvent.TryGetProperty(CloudEventAttributes.DataBase64, out var base64) && base64.ValueKind == JsonValueKind.String)
        {
            if (base64.TryGetBytesFromBase64(out var bytes))
            {
                data = bytes;
                return true;
            }

            data = [];
            error = "data_base64 is not valid base64";
            return false;
        }

        if (!cloudEvent.TryGetProperty(CloudEventAttributes.Data, out var element) || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            data = [];
            error = "CloudEvent has no data";
            return false;
        }

        data = element.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(element.GetString()!)
            : JsonMarshal.GetRawUtf8Value(element);
        return true;
    }
}
