using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using Route = LogDapr.Aggregator.Routing.Routes.Route;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Routing.Delivery;

/// <summary>
/// The router role's answer to a delivery of the processed topic: each message's matching events sent to every
/// route's binding, the routes side by side. A route that fails past the bound has its copy of the message written as a
/// dead letter (<c>&lt;message id&gt;/route:&lt;name&gt;</c>), and the message is acknowledged: one failing route never
/// holds up another, nor the pipeline. Only a dead letter that cannot be written makes the message RETRY (then the
/// routes that succeeded get it again, under the same idempotency keys). Poison is acknowledged: the counter, reading
/// the same topic, records it.
/// </summary>
public sealed partial class RouterDeliveryProcessor(
    RouteSet routes,
    RouteSender sender,
    DeadLetterWriter deadLetters,
    SchemaReadiness schema,
    RoutingMetrics metrics,
    ILogger<RouterDeliveryProcessor> logger) : ILogsDeliveryProcessor
{
    public async Task<Dictionary<string, DeliveryStatus>> ProcessAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var statuses = new Dictionary<string, DeliveryStatus>(messages.Count, StringComparer.Ordinal);
        var valid = new List<DecodedMessage>(messages.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            statuses[message.EntryId] = DeliveryStatus.Success;
            // A message delivered twice in one delivery is sent once; both entries get its answer.
            if (!message.IsPoison && seen.Add(message.MessageId))
            {
                valid.Add(message);
            }
        }

        if (valid.Count == 0 || routes.Routes.Count == 0)
        {
            return statuses;
        }

        // Each route walks the messages in order on its own; the routes run side by side.
        var results = await Task.WhenAll(routes.Routes.Select(route => RouteAsync(route, valid, cancellationToken))).ConfigureAwait(false);
        var retry = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failed in results)
        {
            retry.UnionWith(failed);
        }

        if (retry.Count > 0)
        {
            foreach (var message in messages)
            {
                if (retry.Contains(message.MessageId))
                {
                    statuses[message.EntryId] = DeliveryStatus.Retry;
                }
            }
        }

        return statuses;
    }

    /// <returns>The ids of the messages whose copy for this route could be neither sent nor dead-lettered.</returns>
    private async Task<List<string>> RouteAsync(Route route, List<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        var unresolved = new List<string>();
        foreach (var message in messages)
        {
            var matching = new List<LogEvent>();
            foreach (var logEvent in message.Events!)
            {
                if (route.Matches(logEvent))
                {
                    matching.Add(logEvent);
                }
            }

            if (matching.Count == 0)
            {
                continue;
            }

            var error = await sender.SendAsync(route, message.MessageId, matching, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                metrics.Copy("delivered");
                continue;
            }

            if (!await DeadLetterAsync(route, message, matching, error, cancellationToken).ConfigureAwait(false))
            {
                unresolved.Add(message.MessageId);
            }
        }

        return unresolved;
    }

    private async Task<bool> DeadLetterAsync(Route route, DecodedMessage message, List<LogEvent> events, string error, CancellationToken cancellationToken)
    {
        var reason = $"route {route.Name}: {error}";
        if (!schema.IsReady)
        {
            LogDeadLetterFailed(logger, route.Name, message.MessageId, "the database schema is not ready");
            return false;
        }

        var tenant = events[0].TenantId;
        var copy = new DecodedMessage("", $"{message.MessageId}/route:{route.Name}", message.Time, message.Topic,
            System.Text.Encoding.UTF8.GetString(RouteEventsJson.Write(events, 0, events.Count)), null, reason)
        {
            Tenant = events.TrueForAll(e => e.TenantId == tenant) ? tenant : null,
        };
        try
        {
            await deadLetters.RecordRejectionAsync(copy, cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex)
        {
            LogDeadLetterFailed(logger, route.Name, message.MessageId, ex.Message);
            return false;
        }

        metrics.Copy(RoutingMetrics.DeadLettered);
        LogDeadLettered(logger, route.Name, message.MessageId, events.Count, reason);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {Route} failed past its attempts for message {MessageId}; its {Events} events are a dead letter: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string route, string messageId, int events, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {Route}: the dead letter of message {MessageId} could not be written, answering RETRY: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string route, string messageId, string error);
}
