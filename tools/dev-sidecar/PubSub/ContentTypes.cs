namespace LogDapr.DevSidecar.PubSub;

/// <summary>Content-type tests with daprd's rules (exact match ignoring case and parameters).</summary>
public static class ContentTypes
{
    public const string CloudEvent = "application/cloudevents+json";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";
    public const string TextPlain = "text/plain";

    public static bool IsCloudEvent(string? contentType) => Is(contentType, CloudEvent);

    public static bool IsJson(string? contentType) => Is(contentType, Json);

    public static bool IsBinary(string? contentType) => Is(contentType, OctetStream);

    public static bool IsString(string? contentType) =>
        contentType is not null && (contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || Is(contentType, "application/xml"));

    private static bool Is(string? contentType, string expected)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        return string.Equals(media, expected, StringComparison.OrdinalIgnoreCase);
    }
}
