using System.Text.Json;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LogDapr.Ingest.Ingestion;

/// <summary>
/// Counts what POST /v1/logs answered as a whole: every problem answer by its problem type, and replays of an
/// earlier outcome (Idempotency-Key) as duplicates. Event-level counts come from the handler itself.
/// </summary>
public sealed class IngestOutcomeFilter(IngestMetrics metrics) : IEndpointFilter
{
    /// <summary>Set by the handler on answers repeated from the idempotency store.</summary>
    private const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Every value the filter gives the <c>reason</c> label, one per problem type the endpoint answers.</summary>
    public static IReadOnlyList<string> Reasons { get; } = [.. IngestProblems.Types.Select(Reason)];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        switch (result)
        {
            case ProblemHttpResult problem:
                metrics.RequestRejected(Reason(problem.ProblemDetails.Type), IngestProtocol.Json);
                break;
            case ContentHttpResult replay when context.HttpContext.Response.Headers[ReplayedHeader] == "true":
                metrics.Duplicate(AcceptedIn(replay.ResponseContent), IngestProtocol.Json);
                break;
        }

        return result;
    }

    /// <summary>"https://logdapr.io/problems/payload-too-large" becomes "payload_too_large": a bounded label set.</summary>
    internal static string Reason(string? problemType) => RequestRejections.Of(problemType);

    /// <summary>The "accepted" count of a stored 202 body; 0 when it cannot be read (the replay is still answered).</summary>
    internal static long AcceptedIn(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("accepted", out var accepted) && accepted.TryGetInt64(out var n) ? n : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
