using LogDapr.Aggregator.Configuration;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Delivery;
using LogDapr.Aggregator.Observability;
using LogDapr.Contracts.Pipeline;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Configuration;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>The app callbacks Dapr calls: subscription discovery and the two delivery routes.</summary>
public static class SubscriptionEndpoints
{
    // A bulk delivery of the largest allowed messages; anything bigger is not from Dapr.
    private const int MaxDeliveryBytes = 256 * 1024 * 1024;

    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var dapr = app.MapGroup("").AddEndpointFilter<DaprAppTokenFilter>().ExcludeFromDescription();
        dapr.MapGet("/dapr/subscribe", (IOptions<PipelineOptions> pipeline, IOptions<AggregatorOptions> aggregator)
            => TypedResults.Json(SubscriptionCatalog.Build(pipeline.Value, aggregator.Value)));
        dapr.MapPost(PipelineDefaults.LogsRoute, HandleLogsAsync);
        dapr.MapPost(PipelineDefaults.DeadLetterRoute, HandleDeadLettersAsync);
        return app;
    }

    private static Task<IResult> HandleLogsAsync(
        HttpContext context, DeliveryDecoder decoder, DeliveryProcessor processor, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        TimeProvider time, ILoggerFactory loggers)
        => HandleAsync(context, decoder, time, keepRawEvents: false, pipeline.Value.Topic, metrics, loggers, (messages, cancellationToken) =>
        {
            metrics.Delivered(messages.Count);
            return processor.ProcessAsync(messages, cancellationToken);
        });

    private static Task<IResult> HandleDeadLettersAsync(
        HttpContext context, DeliveryDecoder decoder, DeadLetterArrivals arrivals, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        TimeProvider time, ILoggerFactory loggers)
        // The dead-letter table keeps each message as delivered, so this route keeps every message's text.
        => HandleAsync(context, decoder, time, keepRawEvents: true, pipeline.Value.DeadLetterTopic, metrics, loggers, arrivals.RecordAsync);

    /// <summary>Read, decode, process and answer one delivery in Dapr's response shape (single or bulk).</summary>
    private static async Task<IResult> HandleAsync(
        HttpContext context,
        DeliveryDecoder decoder,
        TimeProvider time,
        bool keepRawEvents,
        string topic,
        AggregatorMetrics metrics,
        ILoggerFactory loggers,
        Func<IReadOnlyList<DecodedMessage>, CancellationToken, Task<Dictionary<string, DeliveryStatus>>> process)
    {
        using var body = await ReadAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

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

    private static async Task<PooledBody?> ReadAsync(HttpContext context)
    {
        var read = await RequestBodyReader.ReadAsync(context.Request, MaxDeliveryBytes, context.RequestAborted).ConfigureAwait(false);
        return read.Status == BodyReadStatus.Ok ? read.Body : null;
    }
}
