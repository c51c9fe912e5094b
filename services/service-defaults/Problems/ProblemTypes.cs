namespace LogDapr.ServiceDefaults.Problems;

/// <summary>RFC 9457 problem type URIs. Stable identifiers clients can switch on; documented in the README.</summary>
public static class ProblemTypes
{
    private const string Base = "https://logdapr.io/problems/";
    public const string InvalidEvents = Base + "invalid-events";
    public const string MalformedPayload = Base + "malformed-payload";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string PublishUnavailable = Base + "publish-unavailable";
    public const string InvalidQuery = Base + "invalid-query";
    public const string NotFound = Base + "not-found";
    public const string Conflict = Base + "conflict";
    public const string SinkUnavailable = Base + "sink-unavailable";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string RateLimited = Base + "rate-limited";
    public const string Overloaded = Base + "overloaded";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string IdempotencyKeyInFlight = Base + "idempotency-key-in-flight";
    public const string RequestTimeout = Base + "request-timeout";
}
