using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace LogDapr.Aggregator.Database;

/// <summary>The query API answers 503 with Retry-After, not 500, while Postgres is unreachable: it is retriable.</summary>
public sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException npgsql || !TransientReads.IsTransient(npgsql) && npgsql is PostgresException)
        {
            return false;
        }

        LogUnavailable(logger, npgsql.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.SinkUnavailable,
                Title = "Database unavailable",
                Detail = "Postgres is not reachable right now; retry after the delay in Retry-After.",
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query failed because Postgres is unavailable: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
