using System.Globalization;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// An answer of an Elasticsearch route: JSON (or no body, for HEAD), always with <c>X-Elastic-Product:
/// Elasticsearch</c>, which the official clients require before they read any answer; in the vendor media type with
/// <c>compatible-with</c> when the request's Accept asks for one, as Elasticsearch answers it.
/// </summary>
internal sealed class ElasticsearchResult(int status, byte[]? body, TimeSpan? retryAfter = null, bool challenge = false) : IResult
{
    public const string ProductHeader = "X-Elastic-Product";
    public const string Product = "Elasticsearch";
    private const string VendorJson = "application/vnd.elasticsearch+json";

    public int Status => status;

    public static ElasticsearchResult Error(BulkError error, TimeSpan? retryAfter = null)
        => new(error.Status, ElasticsearchDocuments.Error(error), retryAfter, challenge: error.Status == StatusCodes.Status401Unauthorized);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.Headers[ProductHeader] = Product;
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (challenge)
        {
            // Elasticsearch's challenges: shippers answer them with Basic or an ApiKey; Bearer is ingest's own.
            response.Headers.WWWAuthenticate = new Microsoft.Extensions.Primitives.StringValues(
                ["Basic realm=\"logdapr\" charset=\"UTF-8\"", "ApiKey", "Bearer realm=\"logdapr\""]);
        }

        if (body is null)
        {
            return Task.CompletedTask;
        }

        response.ContentType = MediaType(httpContext.Request);
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(httpContext.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    private static string MediaType(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains(VendorJson, StringComparison.OrdinalIgnoreCase)
            && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            var vendor = types.FirstOrDefault(t => string.Equals(t.MediaType.Value, VendorJson, StringComparison.OrdinalIgnoreCase));
            var version = vendor?.Parameters.FirstOrDefault(p => string.Equals(p.Name.Value, "compatible-with", StringComparison.OrdinalIgnoreCase))?.Value.Value;
            if (version is not null && version.All(char.IsAsciiDigit) && version.Length is > 0 and < 3)
            {
                return $"{VendorJson};compatible-with={version}";
            }
        }

        return "application/json; charset=UTF-8";
    }
}
