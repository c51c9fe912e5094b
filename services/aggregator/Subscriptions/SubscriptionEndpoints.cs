using LogDapr.Aggregator.Configuration;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Delivery;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;
using LogDapr.Contracts.Pipeline;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Configuration;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>The app callbacks Dapr calls: subscription discovery and the two delivery routes.</summary>
public static partial class SubscriptionEndpoints
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

    private static async Task<IResult> HandleLogsAsync(
        HttpContext context, DeliveryDecoder decoder, DeliveryProcessor processor, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        TimeProvider time, ILoggerFactory loggers)
    {
        using var body = await ReadAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var delivery = decoder.Decode(body.Memory, time.GetUtcNow());
        if (delivery is null)
        {
            // Not a delivery we can answer per entry: a non-2xx makes Dapr retry the whole delivery.
            return TypedResults.BadRequest();
        }

        metrics.Delivered(delivery.Messages.Count);
        using var scope = DeliveryScope.Begin(delivery, pipeline.Value.Topic, metrics, loggers.CreateLogger(typeof(SubscriptionEndpoints)));
        var statuses = await processor.ProcessAsync(delivery.Messages, context.RequestAborted).ConfigureAwait(false);
        scope.Complete(statuses);
        return TypedResults.Json(DeliveryResponses.For(delivery, statuses));
    }

    private static async Task<IResult> HandleDeadLettersAsync(
        HttpContext context, DeliveryDecoder decoder, DeadLetterWriter writer, AggregatorMetrics metrics, IOptions<PipelineOptions> pipeline,
        TimeProvider time, ILoggerFactory loggers)
    {
        using var body = await ReadAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var delivery = decoder.Decode(body.Memory, time.GetUtcNow(), keepRawEvents: true);
        if (delivery is null)
        {
            return TypedResults.BadRequest();
        }

        var logger = loggers.CreateLogger(typeof(SubscriptionEndpoints));
        using var scope = DeliveryScope.Begin(delivery, pipeline.Value.DeadLetterTopic, metrics, logger);
        var statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal);
        foreach (var message in delivery.Messages)
        {
            try
            {
                await writer.RecordArrivalAsync(message, context.RequestAborted).ConfigureAwait(false);
                statuses[message.EntryId] = DeliveryStatus.Success;
                metrics.DeadLetterStored();
                LogDeadLettered(logger, message.MessageId);
            }
            catch (SinkUnavailableException)
            {
                statuses[message.EntryId] = DeliveryStatus.Retry;
                metrics.Retried(1, RetryReasons.SinkUnavailable);
            }
        }

        scope.Complete(statuses);
        return TypedResults.Json(DeliveryResponses.For(delivery, statuses));
    }

    private static async Task<PooledBody?> ReadAsync(HttpContext context)
    {
        var read = await RequestBodyReader.ReadAsync(context.Request, MaxDeliveryBytes, context.RequestAborted).ConfigureAwait(false);
        return read.Status == BodyReadStatus.Ok ? read.Body : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored dead letter for message {MessageId}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId);
}
