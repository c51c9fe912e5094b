using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Http;
using LogDapr.Ingest.Configuration;
using LogDapr.Ingest.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Ingestion;

/// <summary>POST /v1/logs: read with a cap, validate every event, publish the valid ones, answer only after the sidecar confirmed.</summary>
public static class LogsEndpoint
{
    public const string Route = "/v1/logs";

    public static RouteHandlerBuilder MapLogsEndpoint(this IEndpointRouteBuilder app) => app
        .MapPost(Route, HandleAsync)
        .WithName("IngestLogs")
        .WithSummary("Ingest log events")
        .WithDescription("Accepts one LogEvent v1 object, a JSON array of them, {\"events\":[...]}, or NDJSON. "
            + "Valid events are accepted even when others in the batch are rejected; 202 means the pipeline has them.")
        .Produces<IngestResponse>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Accepted<IngestResponse>, ProblemHttpResult>> HandleAsync(
        HttpContext context,
        LogEventReader reader,
        EventPublisher publisher,
        IOptions<IngestOptions> options,
        TimeProvider time)
    {
        var settings = options.Value;
        var request = context.Request;
        var format = PayloadFormats.FromContentType(request.ContentType);
        if (format is null)
        {
            return IngestProblems.UnsupportedMediaType(request.ContentType);
        }

        BodyReadResult read;
        try
        {
            read = await RequestBodyReader.ReadAsync(request, settings.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return IngestProblems.BodyTooLarge(settings.MaxBodyBytes);
        }

        switch (read.Status)
        {
            case BodyReadStatus.TooLarge:
                return IngestProblems.BodyTooLarge(settings.MaxBodyBytes);
            case BodyReadStatus.UnsupportedEncoding:
                return IngestProblems.UnsupportedEncoding(read.Encoding!);
            case BodyReadStatus.CorruptEncoding:
                return IngestProblems.CorruptEncoding(read.Encoding!);
        }

        var receivedAt = time.GetUtcNow();
        ParseResult parsed;
        using (var body = read.Body!)
        {
            parsed = reader.Read(body.Span, format.Value, receivedAt);
        }

        if (parsed.Error is { } error)
        {
            return IngestProblems.FromPayloadError(error, reader.Limits);
        }

        if (parsed.Accepted.Count == 0)
        {
            return IngestProblems.NoValidEvents(parsed.Rejected);
        }

        var outcome = await publisher.PublishAsync(parsed.Accepted, receivedAt, context.RequestAborted).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case PublishStatus.Unavailable:
                context.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return IngestProblems.Unavailable(outcome.Reason ?? "the pipeline is unavailable");
            case PublishStatus.Partial:
                context.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Accepted((string?)null, PartialResponse(parsed, outcome));
            default:
                return TypedResults.Accepted((string?)null, new IngestResponse(parsed.Accepted.Count, parsed.Rejected));
        }
    }

    /// <summary>
    /// Events whose message the sidecar refused are reported as rejected under their index in the request,
    /// with a reason that tells the client to resend exactly those.
    /// </summary>
    private static IngestResponse PartialResponse(ParseResult parsed, PublishOutcome outcome)
    {
        var acceptedIndexes = AcceptedIndexes(parsed);
        var refused = new List<RejectedEvent>(parsed.Rejected);
        var unpublished = 0;
        foreach (var range in outcome.UnpublishedRanges!)
        {
            for (var i = range.First; i < range.First + range.Count; i++)
            {
                refused.Add(new RejectedEvent(acceptedIndexes[i], [new FieldError("", $"not published, resend this event: {outcome.Reason}")]));
            }

            unpublished += range.Count;
        }

        refused.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestResponse(parsed.Accepted.Count - unpublished, refused);
    }

    /// <summary>Position in the request of each accepted event (the reader keeps accepted events in request order).</summary>
    private static int[] AcceptedIndexes(ParseResult parsed)
    {
        var indexes = new int[parsed.Accepted.Count];
        var rejected = parsed.Rejected.Select(r => r.Index).ToHashSet();
        var position = 0;
        for (var i = 0; i < indexes.Length; i++)
        {
            while (rejected.Contains(position))
            {
                position++;
            }

            indexes[i] = position++;
        }

        return indexes;
    }
}
