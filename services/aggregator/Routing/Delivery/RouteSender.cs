using System.Diagnostics;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using Route = LogDapr.Aggregator.Routing.Routes.Route;
using LogDapr.Configuration.Routing;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LogDapr.Aggregator.Routing.Delivery;

/// <summary>
/// Sends one route's share of one message in calls of at most <see cref="RoutingOptions.MaxEventsPerCall"/> events,
/// each call retried with exponential backoff and jitter up to <see cref="RoutingOptions.MaxAttempts"/>. Every call
/// carries the idempotency key <c>&lt;message id&gt;/&lt;route&gt;/&lt;chunk&gt;</c>, identical on every attempt and every
/// redelivery, so a receiver can drop what it already has.
/// </summary>
public sealed class RouteSender
{
    private readonly IRouteBindingInvoker invoker;
    private readonly RoutingMetrics metrics;
    private readonly TimeProvider time;
    private readonly ResiliencePipeline pipeline;
    private readonly int maxAttempts;
    private readonly int maxEventsPerCall;

    public RouteSender(IRouteBindingInvoker invoker, RoutingMetrics metrics, IOptions<RoutingOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.invoker = invoker;
        this.metrics = metrics;
        this.time = time;
        var o = options.Value;
        maxAttempts = o.MaxAttempts;
        maxEventsPerCall = o.MaxEventsPerCall;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (o.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // The caller's cancellation (shutdown, daprd gave up on the delivery) ends the attempts; any failure
                // of the call itself, a timed-out attempt included, is tried again.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(static ex => ex is not OperationCanceledException),
                MaxRetryAttempts = o.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.InitialBackoff,
                MaxDelay = o.MaxBackoff,
            });
        }

        pipeline = builder.AddTimeout(o.AttemptTimeout).Build();
    }

    /// <summary>daprd's own text ("error invoking output binding X: received status code 500") rather than the SDK's wrapper.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        { InnerException: Grpc.Core.RpcException rpc } => rpc.Status.Detail,
        Grpc.Core.RpcException rpc => rpc.Status.Detail,
        _ => ex.Message,
    };

    public static string IdempotencyKey(string messageId, string route, int chunk) => $"{messageId}/{route}/{chunk}";

    /// <returns>Null when every call succeeded; else the last error of the call that failed past the bound.</returns>
    public async Task<string?> SendAsync(Route route, string messageId, IReadOnlyList<Contracts.Events.LogEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(events);
        for (int start = 0, chunk = 0; start < events.Count; start += maxEventsPerCall, chunk++)
        {
            var count = Math.Min(maxEventsPerCall, events.Count - start);
            var data = RouteEventsJson.Write(events, start, count);
            var metadata = new Dictionary<string, string>(route.Metadata, StringComparer.Ordinal)
            {
                [RoutesParser.IdempotencyKeyMetadata] = IdempotencyKey(messageId, route.Name, chunk),
            };
            var error = await CallAsync(route, data, metadata, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            metrics.Sent(route.Name, count);
        }

        return null;
    }

    private async Task<string?> CallAsync(Route route, byte[] data, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var attempt = 0;
        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                attempt++;
                var started = time.GetTimestamp();
                try
                {
                    await invoker.InvokeAsync(route.Binding, route.Operation, data, metadata, token).ConfigureAwait(false);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    metrics.Call(route.Name, attempt < maxAttempts ? RoutingMetrics.Retry : RoutingMetrics.DeadLettered, time.GetElapsedTime(started));
                    throw;
                }

                metrics.Call(route.Name, RoutingMetrics.Success, time.GetElapsedTime(started));
            }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return $"attempt {attempt} of {maxAttempts}: {ex.Message}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Debug.Assert(attempt >= 1, "a failure before any attempt");
            return $"attempt {attempt} of {maxAttempts}: {Describe(ex)}";
        }
    }
}
