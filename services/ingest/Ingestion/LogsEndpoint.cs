using LogDapr.Ingest.Intake;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Ingestion;

/// <summary>POST /v1/logs: authenticated; the work (body read, request slot, publish) is <see cref="IngestRequestHandler"/>.</summary>
public static class LogsEndpoint
{
    public const string Route = "/v1/logs";
    public const string Tag = "Logs";

    public static RouteHandlerBuilder MapLogsEndpoint(this IEndpointRouteBuilder app) => app
        .MapPost(Route, (HttpContext context, IngestRequestHandler handler) => handler.HandleAsync(context))
        .RequireAuthorization(AuthPolicies.Write)
        .AddEndpointFilter<IngestOutcomeFilter>()
        .WithName("IngestLogs")
        .WithTags(Tag)
        .WithSummary("Ingest log events")
        .WithDescription("Accepts one LogEvent v1 object, a JSON array of them, {\"events\":[...]}, or NDJSON. "
            + "Valid events are accepted even when others in the batch are rejected; 202 means the pipeline has them.")
        .Produces<IngestResponse>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status408RequestTimeout)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
