using System.Text;
using System.Text.Json.Nodes;

namespace LogDapr.Operator.Secrets;

/// <summary>The values of a Secret as the API server returns them (base64 in <c>data</c>).</summary>
public static class SecretData
{
    /// <summary>The bytes of one key, or null when the Secret or the key is missing (or not base64).</summary>
    public static byte[]? Bytes(JsonObject? secret, string key)
    {
        if (secret?["data"]?[key] is not JsonValue value || !value.TryGetValue<string>(out var base64))
        {
            return null;
        }
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string? Text(JsonObject? secret, string key) => Bytes(secret, key) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
}
