using System.Diagnostics;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>
/// Everything that surrounds the processing of one delivery: the "process {topic}" span, the in-flight count and,
/// for bulk deliveries, a log scope naming the traces of the messages.
/// </summary>
/// <remarks>
/// A single delivery continues the producer's trace (parent = the message's traceparent), so the ingest request, this
/// span and the binding call form one trace. A bulk delivery carries messages of many traces: its one span is a child
/// of the delivery request and links every message's context, as the OpenTelemetry messaging conventions do for
/// batch processing. When no tracer listens, a single delivery still gets an unrecorded Activity with the message's
/// context, so its log lines carry the producer's trace id.
/// </remarks>
public sealed class DeliveryScope : IDisposable
{
    // Enough to find the requests behind a failing delivery without making every log line huge.
    private const int MaxTraceIdsInScope = 20;

    private static readonly Func<ILogger, int, string, IDisposable?> TracesScope =
        LoggerMessage.DefineScope<int, string>("Delivery of {DeliveryMessages} messages from traces {MessageTraceIds}");

    private readonly Activity? activity;
    private readonly IDisposable? logScope;
    private readonly IDisposable inFlight;

    private DeliveryScope(Activity? activity, IDisposable? logScope, IDisposable inFlight)
    {
        this.activity = activity;
        this.logScope = logScope;
        this.inFlight = inFlight;
    }

    public Activity? Activity => activity;

    public static DeliveryScope Begin(DecodedDelivery delivery, string topic, AggregatorMetrics metrics, ILogger logger)
    {
        var contexts = new List<ActivityContext>(delivery.Messages.Count);
        foreach (var message in delivery.Messages)
        {
            if (message.TraceParent is not null && ActivityContext.TryParse(message.TraceParent, message.TraceState, isRemote: true, out var context))
            {
                contexts.Add(context);
            }
        }

        Activity? activity;
        IDisposable? scope = null;
        var name = $"process {topic}";
        if (!delivery.IsBulk && delivery.Messages.Count == 1 && contexts.Count == 1)
        {
            var request = Activity.Current;
            activity = AggregatorTelemetry.Source.StartActivity(name, ActivityKind.Consumer, contexts[0],
                links: request is null ? null : [new ActivityLink(request.Context)]);
            activity ??= new Activity(name).SetParentId(contexts[0].TraceId, contexts[0].SpanId, contexts[0].TraceFlags).Start();
            activity.SetTag("messaging.message.id", delivery.Messages[0].MessageId);
        }
        else
        {
            activity = AggregatorTelemetry.Source.StartActivity(name, ActivityKind.Consumer, parentContext: default,
                links: contexts.Select(c => new ActivityLink(c)));
            if (contexts.Count > 0)
            {
                scope = TracesScope(logger, delivery.Messages.Count,
                    string.Join(',', contexts.Select(c => c.TraceId.ToHexString()).Distinct().Take(MaxTraceIdsInScope)));
            }
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("messaging.batch.message_count", delivery.Messages.Count);
        }

        return new DeliveryScope(activity, scope, metrics.DeliveryInFlight());
    }

    /// <summary>Records the answers on the span; any RETRY marks it failed (the sink did not take the write).</summary>
    public void Complete(IReadOnlyDictionary<string, DeliveryStatus> statuses)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var retried = statuses.Values.Count(s => s == DeliveryStatus.Retry);
        var dropped = statuses.Values.Count(s => s == DeliveryStatus.Drop);
        activity.SetTag("logdapr.messages.retried", retried);
        activity.SetTag("logdapr.messages.dropped", dropped);
        if (retried > 0)
        {
            activity.SetStatus(ActivityStatusCode.Error, $"{retried} messages answered RETRY");
        }
    }

    public void Dispose()
    {
        logScope?.Dispose();
        activity?.Dispose();
        inFlight.Dispose();
    }
}
