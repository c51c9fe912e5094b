using System.Net;

namespace LogDapr.Operator.Kubernetes;

/// <summary>An API call the server refused, with the Kubernetes Status reason (NotFound, Conflict, Expired, ...).</summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(HttpStatusCode statusCode, string reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    public KubeApiException()
        : this(HttpStatusCode.InternalServerError, "InternalError", "unknown API error")
    {
    }

    public KubeApiException(string message)
        : this(HttpStatusCode.InternalServerError, "InternalError", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : this(HttpStatusCode.InternalServerError, "InternalError", message, innerException)
    {
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The Status reason, e.g. NotFound, AlreadyExists, Conflict, Expired, Gone, Invalid, Forbidden.</summary>
    public string Reason { get; }

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    public bool IsGone => StatusCode == HttpStatusCode.Gone;

    /// <summary>
    /// The server's schema does not know a field of the object: server-side apply's "field not declared in schema"
    /// (structured-merge-diff), or a strict decoding error ("unknown field", "duplicate field") with fieldValidation=Strict.
    /// </summary>
    public bool IsUnknownField =>
        Message.Contains("field not declared in schema", StringComparison.Ordinal)
        || Message.Contains("strict decoding error", StringComparison.Ordinal)
        || Message.Contains("error strict decoding YAML", StringComparison.Ordinal);

    /// <summary>RBAC refused the request (403), or the credentials were not accepted (401).</summary>
    public bool IsForbidden => StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;

    public static KubeApiException NotFound(string message) => new(HttpStatusCode.NotFound, "NotFound", message);

    public static KubeApiException Conflict(string message) => new(HttpStatusCode.Conflict, "Conflict", message);

    public static KubeApiException AlreadyExists(string message) => new(HttpStatusCode.Conflict, "AlreadyExists", message);

    public static KubeApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public static KubeApiException Invalid(string message) => new(HttpStatusCode.UnprocessableEntity, "Invalid", message);

    public static KubeApiException Forbidden(string message) => new(HttpStatusCode.Forbidden, "Forbidden", message);
}
