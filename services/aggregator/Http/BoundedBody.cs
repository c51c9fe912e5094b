using LogDapr.ServiceDefaults.Http;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Aggregator.Http;

/// <summary>
/// Reads the body of a delivery or replay within its size limit and the replica's budget. Only identity encoding
/// is accepted: daprd never compresses what it sends to the app, and refusing gzip up front means no
/// decompression bomb is ever inflated.
/// </summary>
public static class BoundedBody
{
    /// <returns>The body, or a problem answer: 413 over the limit, 415 for a content encoding, 503 over budget.</returns>
    public static async Task<(PooledBody? Body, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, int maxBytes, string limitName, DeliveryBodyBudget budget, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        if (!string.IsNullOrEmpty(encoding) && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported content encoding",
                $"Content-Encoding '{encoding}' is not accepted here; send the body uncompressed."));
        }

        var read = await RequestBodyReader.ReadAsync(request, maxBytes, cancellationToken, budget).ConfigureAwait(false);
        return read.Status switch
        {
            BodyReadStatus.Ok => (read.Body, null),
            BodyReadStatus.OverBudget => (null, Overloaded(request.HttpContext)),
            _ => (null, TooLarge(maxBytes, limitName)),
        };
    }

    private static ProblemHttpResult TooLarge(int maxBytes, string limitName) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Type = ProblemTypes.PayloadTooLarge,
        Title = "Payload too large",
        Detail = $"The body is larger than {maxBytes} bytes.",
        Extensions = { ["limit"] = limitName, ["limitValue"] = maxBytes },
    });

    private static ProblemHttpResult Overloaded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Overloaded, "Overloaded",
            "The bodies in flight use up this replica's memory budget (Aggregator:MaxInFlightDeliveryBytes); retry shortly.");
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(statusCode: status, type: type, title: title, detail: detail);
}
