using System.Globalization;
using System.Threading.RateLimiting;
using LogDapr.Ingest.Configuration;
using LogDapr.Ingest.Ingestion;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Backpressure;

/// <summary>
/// A fixed number of ingest requests in flight per replica, with no queue: one more gets 503 and Retry-After
/// at once. Waiting requests would hold connections and memory while clients time out anyway.
/// </summary>
public static class BackpressurePolicy
{
    public const string Name = "ingest-concurrency";

    public static IServiceCollection AddBackpressure(this IServiceCollection services)
    {
        services.AddSingleton<BodyBudget>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<BackpressureOptions>, IOptions<IngestOptions>>((limiter, backpressure, ingest) =>
        {
            limiter.AddConcurrencyLimiter(Name, o =>
            {
                o.PermitLimit = backpressure.Value.MaxConcurrentRequests;
                o.QueueLimit = 0;
            });
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = ingest.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await IngestProblems.Overloaded().ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }
}
