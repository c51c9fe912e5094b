using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Http;
using LogDapr.Aggregator.Observability;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>The app callbacks Dapr calls: subscription discovery, the two delivery routes and every other /dapr/ path.</summary>
public static partial class SubscriptionEndpoints
{
    private const string MaxDeliveryBytesKey = ConfigKeys.AggregatorSection + ":" + nameof(AggregatorOptions.MaxDeliveryBytes);

    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<AggregatorOptions>>().Value;
        var token = new DaprAppTokenFilter(app.ServiceProvider.GetRequiredService<IConfiguration>()[DaprAppTokenFilter.EnvironmentVariable],
            options.AllowUnauthenticatedDaprRoutes);
        LogProtection(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SubscriptionEndpoints)), token.Protection);

        var dapr = app.MapGroup("").AddEndpointFilter(token).ExcludeFromDescription();
        dapr.MapGet("/dapr/subscribe", (IOptions<PipelineOptions> pipeline, IOptions<AggregatorOptions> aggregator)
            => TypedResults.Json(SubscriptionCatalog.Build(pipeline.Value, aggregator.Value)));
        // daprd asks for the app's configuration at start; a non-200 also means "none", but an answer keeps it quiet.
        dapr.MapGet("/dapr/config", () => TypedResults.Json(new { }));
        dapr.MapPost(PipelineDefaults.LogsRoute, HandleLogsAsync);
        if (options.Role == AggregatorRole.Counter)
        {
            // The counter records dead-letter arrivals and writes ingest's audit records; the other roles do not
            // subscribe to those topics.
            dapr.MapPost(PipelineDefaults.DeadLetterRoute, HandleDeadLettersAsync);
            dapr.MapPost(PipelineDefaults.AuditRoute, async (HttpContext context, AuditArrivals arrivals)
                => TypedResults.Json(new DeliveryResponses.SingleResponse(DeliveryResponses.Wire(await arrivals.HandleAsync(context).ConfigureAwait(false)))));
        }

        // daprd acks and forgets a 404 (bulk always, single deliveries up to 1.16) or DROPs it (1.17+): after a route
        // change or a version skew that would lose messages unnoticed. A 500 makes every version retry instead.
        dapr.Map("/dapr/{**path}", UnknownRoute);
        return app;
    }

    private static IResult UnknownRoute(HttpContext context)
    {
        LogUnknownRoute(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SubscriptionEndpoints)),
            context.Request.Method, context.Request.Path.ToString());
        return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, type: ProblemTypes.NotFound, title: "Unknown Dapr route",
            detail: $"This app serves no {context.Request.Method} {context.Request.Path}; answered 500 so that Dapr retries the call instead of dropping it.");
    }

    private static Task<IResult> HandleLogsAsync(
        HttpContext context, DeliveryDecoder decoder, ILogsDeliveryProcessor processor, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        IOptions<AggregatorOptions> options, DeliveryBodyBudget budget, TimeProvider time, ILoggerFactory loggers)
        => HandleAsync(context, decoder, time, options.Value, budget, keepRawEvents: false, pipeline.Value.Topic, metrics, loggers, (messages, cancellationToken) =>
        {
            metrics.Delivered(messages.Count);
            return processor.ProcessAsync(messages, cancellationToken);
        });

    private static Task<IResult> HandleDeadLettersAsync(
        HttpContext context, DeliveryDecoder decoder, DeadLetterArrivals arrivals, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        IOptions<AggregatorOptions> options, DeliveryBodyBudget budget, TimeProvider time, ILoggerFactory loggers)
        // The dead-letter table keeps each message as delivered, so this route keeps every message's text.
        => HandleAsync(context, decoder, time, options.Value, budget, keepRawEvents: true, pipeline.Value.DeadLetterTopic, metrics, loggers, arrivals.RecordAsync);

    /// <summary>Read, decode, process and answer one delivery in Dapr's response shape (single or bulk).</summary>
    private static async Task<IResult> HandleAsync(
        HttpContext context,
        DeliveryDecoder decoder,
        TimeProvider time,
        AggregatorOptions options,
        DeliveryBodyBudget budget,
        bool keepRawEvents,
        string topic,
        AggregatorMetrics metrics,
        ILoggerFactory loggers,
        Func<IReadOnlyList<DecodedMessage>, CancellationToken, Task<Dictionary<string, DeliveryStatus>>> process)
    {
        var (body, problem) = await BoundedBody.ReadAsync(context.Request, options.MaxDeliveryBytes, MaxDeliveryBytesKey, budget, context.RequestAborted)
            .ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var delivery = decoder.Decode(body.Memory, time.GetUtcNow(), keepRawEvents);
            if (delivery is null)
            {
                // Not a delivery we can answer per entry: a non-2xx makes Dapr retry the whole delivery.
                return TypedResults.BadRequest();
            }

            using var scope = DeliveryScope.Begin(delivery, topic, metrics, loggers.CreateLogger(typeof(SubscriptionEndpoints)));
            var statuses = await process(delivery.Messages, context.RequestAborted).ConfigureAwait(false);
            scope.Complete(statuses);
            return TypedResults.Json(DeliveryResponses.For(delivery, statuses));
        }
    }

    private static void LogProtection(ILogger logger, DaprRouteProtection protection)
    {
        switch (protection)
        {
            case DaprRouteProtection.Open:
                LogRoutesOpen(logger);
                break;
            case DaprRouteProtection.Closed:
                LogRoutesClosed(logger);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "APP_API_TOKEN is not set and Aggregator:AllowUnauthenticatedDaprRoutes=true: /dapr/* accepts deliveries from anything that reaches this port")]
    private static partial void LogRoutesOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "APP_API_TOKEN is not set: /dapr/* answers 401 and nothing is delivered. Give the app the sidecar's app token, or set Aggregator__AllowUnauthenticatedDaprRoutes=true to run the routes open")]
    private static partial void LogRoutesClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dapr called {Method} {Path}, which this app does not serve; answered 500 so the call is retried, not dropped")]
    private static partial void LogUnknownRoute(ILogger logger, string method, string path);
}
