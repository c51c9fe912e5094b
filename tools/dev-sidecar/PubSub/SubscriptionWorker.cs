using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LogDapr.DevSidecar.PubSub.Journal;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>
/// Delivers one subscription's messages to its app, at least once. Up to <c>concurrency</c> requests are in
/// flight (single messages, or bulk batches gathered up to maxMessagesCount or maxAwaitDurationMs). A message
/// leaves the subscription only on SUCCESS or after it was dead-lettered (DROP, 404, undeliverable, or retries
/// exhausted under the component's inbound resiliency policy). An unreachable app is not an attempt: the
/// delivery waits for the app and tries again.
/// </summary>
public sealed class SubscriptionWorker
{
    private static readonly MediaTypeHeaderValue CloudEventContentType = new(ContentTypes.CloudEvent);
    private static readonly MediaTypeHeaderValue JsonContentType = new(ContentTypes.Json);

    private readonly Subscription _subscription;
    private readonly Broker _broker;
    private readonly AppChannel _app;
    private readonly PubSubSettings _settings;
    private readonly DeliveryOptions _options;
    private readonly ILogger _logger;
    private CompiledRules? _rules;

    public SubscriptionWorker(Subscription subscription, Broker broker, AppChannel app, PubSubSettings settings, DeliveryOptions options, ILogger logger)
    {
        _subscription = subscription;
        _broker = broker;
        _app = app;
        _settings = settings;
        _options = options;
        _logger = logger;
    }

    public Subscription Subscription => _subscription;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var concurrency = Math.Max(1, _settings.Concurrency);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new HashSet<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_subscription.Removed)
            {
                await _app.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var spec = _subscription.Spec;
                var batch = spec.Bulk.Enabled
                    ? await GatherBulkAsync(spec.Bulk, cancellationToken).ConfigureAwait(false)
                    : _broker.TakeNext(_subscription, 1);
                if (batch.Count == 0)
                {
                    slots.Release();
                    await _subscription.Signal.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Interlocked.Add(ref _subscription.Stats.InFlight, batch.Count);
                var task = Task.Run(() => DeliverAsync(batch, spec, cancellationToken), CancellationToken.None);
                lock (running)
                {
                    running.Add(task);
                }

                _ = task.ContinueWith(
                    t =>
                    {
                        Interlocked.Add(ref _subscription.Stats.InFlight, -batch.Count);
                        lock (running)
                        {
                            running.Remove(t);
                        }

                        slots.Release();
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] remaining;
            lock (running)
            {
                remaining = running.ToArray();
            }

            await Task.WhenAll(remaining).ConfigureAwait(false);
        }
    }

    private async Task<List<TopicMessage>> GatherBulkAsync(BulkSettings bulk, CancellationToken cancellationToken)
    {
        var batch = _broker.TakeNext(_subscription, bulk.MaxMessagesCount);
        if (batch.Count == 0 || batch.Count >= bulk.MaxMessagesCount || bulk.MaxAwaitDurationMs <= 0)
        {
            return batch;
        }

        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(bulk.MaxAwaitDurationMs);
        while (batch.Count < bulk.MaxMessagesCount)
        {
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            await _subscription.Signal.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            batch.AddRange(_broker.TakeNext(_subscription, bulk.MaxMessagesCount - batch.Count));
        }

        return batch;
    }

    private async Task DeliverAsync(List<TopicMessage> batch, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var prepared = new List<PreparedEvent>(batch.Count);
            var undeliverable = new List<TopicMessage>();
            foreach (var message in batch)
            {
                var payload = await _broker.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false);
                var ready = PreparedEvent.Prepare(message, payload, spec, RulesFor(spec), out var reason);
                if (ready is null)
                {
                    _logger.LogWarning("subscription {Subscription}: {Reason}; dead-lettering", _subscription.Id, reason);
                    undeliverable.Add(message);
                }
                else
                {
                    prepared.Add(ready);
                }
            }

            await DeadLetterAsync(undeliverable, cancellationToken).ConfigureAwait(false);
            if (spec.Bulk.Enabled)
            {
                // Messages with different routes cannot share one bulk request.
                foreach (var group in prepared.GroupBy(p => p.Path))
                {
                    await DeliverBulkAsync(group.ToList(), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                foreach (var item in prepared)
                {
                    await DeliverSingleAsync(item, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: unacknowledged messages stay in the journal and are delivered after the restart.
        }
        catch (Exception ex)
        {
            // Unexpected (e.g. a payload could not be read back): the messages are still owed, so hand them back
            // to the cursor after a pause rather than leaving them stuck until a restart.
            _logger.LogError(ex, "subscription {Subscription}: delivery failed unexpectedly; will retry", _subscription.Id);
            _subscription.Stats.LastError = ex.Message;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _broker.Rewind(_subscription, batch);
        }
    }

    private async Task DeliverSingleAsync(PreparedEvent item, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            var (outcome, detail) = await AttemptAsync(() => SendSingleAsync(item, cancellationToken), cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case DeliveryOutcome.Success:
                    Interlocked.Increment(ref _subscription.Stats.Succeeded);
                    for (var i = 0; i < _options.RedeliverSuccessful; i++)
                    {
                        await AttemptAsync(() => SendSingleAsync(item, cancellationToken), cancellationToken, duplicate: true).ConfigureAwait(false);
                    }

                    await AckAsync([item.Message], AckOutcome.Delivered, cancellationToken).ConfigureAwait(false);
                    return;
                case DeliveryOutcome.Drop:
                    Interlocked.Increment(ref _subscription.Stats.Dropped);
                    _logger.LogWarning("subscription {Subscription}: app dropped event {Id} ({Detail})", _subscription.Id, item.CloudEvent["id"], detail);
                    await DeadLetterAsync([item.Message], cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    failures++;
                    if (!await BackOffAsync(failures, detail, cancellationToken).ConfigureAwait(false))
                    {
                        await DeadLetterAsync([item.Message], cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    break;
            }
        }
    }

    private async Task DeliverBulkAsync(List<PreparedEvent> items, CancellationToken cancellationToken)
    {
        var failures = 0;
        var remaining = items;
        while (remaining.Count > 0)
        {
            IReadOnlyDictionary<string, DeliveryOutcome>? statuses = null;
            var attempt = remaining;
            var (outcome, detail) = await AttemptAsync(
                async () =>
                {
                    var (o, d, s) = await SendBulkAsync(attempt, cancellationToken).ConfigureAwait(false);
                    statuses = s;
                    return (o, d);
                },
                cancellationToken,
                count: attempt.Count).ConfigureAwait(false);

            var succeeded = new List<PreparedEvent>();
            var dropped = new List<PreparedEvent>();
            var retry = new List<PreparedEvent>();
            foreach (var item in attempt)
            {
                var entryOutcome = outcome == DeliveryOutcome.Success && statuses is not null
                    ? statuses.GetValueOrDefault(item.EntryId, DeliveryOutcome.Retry)
                    : outcome;
                (entryOutcome switch
                {
                    DeliveryOutcome.Success => succeeded,
                    DeliveryOutcome.Drop => dropped,
                    _ => retry,
                }).Add(item);
            }

            if (succeeded.Count > 0)
            {
                Interlocked.Add(ref _subscription.Stats.Succeeded, succeeded.Count);
                for (var i = 0; i < _options.RedeliverSuccessful; i++)
                {
                    await AttemptAsync(
                        async () =>
                        {
                            var again = await SendBulkAsync(succeeded, cancellationToken).ConfigureAwait(false);
                            return (again.Outcome, again.Detail);
                        },
                        cancellationToken,
                        duplicate: true,
                        count: succeeded.Count).ConfigureAwait(false);
                }

                await AckAsync(succeeded.Select(s => s.Message).ToList(), AckOutcome.Delivered, cancellationToken).ConfigureAwait(false);
            }

            if (dropped.Count > 0)
            {
                Interlocked.Add(ref _subscription.Stats.Dropped, dropped.Count);
                _logger.LogWarning("subscription {Subscription}: app dropped {Count} bulk entries", _subscription.Id, dropped.Count);
                await DeadLetterAsync(dropped.Select(d => d.Message).ToList(), cancellationToken).ConfigureAwait(false);
            }

            if (retry.Count > 0)
            {
                failures++;
                if (!await BackOffAsync(failures, detail ?? $"{retry.Count} bulk entries not successful", cancellationToken, retry.Count).ConfigureAwait(false))
                {
                    await DeadLetterAsync(retry.Select(r => r.Message).ToList(), cancellationToken).ConfigureAwait(false);
                    return;
                }
            }

            remaining = retry;
        }
    }

    /// <summary>
    /// Runs one attempt, repeating it while the app is unreachable (those do not count), after the configured
    /// chaos delay. Returns the outcome of the first attempt that reached the app.
    /// </summary>
    private async Task<(DeliveryOutcome Outcome, string? Detail)> AttemptAsync(Func<Task<(DeliveryOutcome, string?)>> send, CancellationToken cancellationToken, bool duplicate = false, int count = 1)
    {
        while (true)
        {
            await _app.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            if (_options.DeliveryDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.DeliveryDelay, cancellationToken).ConfigureAwait(false);
            }

            var (outcome, detail) = await send().ConfigureAwait(false);
            if (outcome == DeliveryOutcome.Unreachable)
            {
                Interlocked.Add(ref _subscription.Stats.AppUnavailable, count);
                _app.ReportUnreachable(detail ?? "connection failed");
                continue;
            }

            Interlocked.Add(ref duplicate ? ref _subscription.Stats.Redelivered : ref _subscription.Stats.Attempts, count);
            return (outcome, detail);
        }
    }

    /// <summary>Waits before the next retry; false when the retry policy is exhausted.</summary>
    private async Task<bool> BackOffAsync(int failures, string? detail, CancellationToken cancellationToken, int count = 1)
    {
        Interlocked.Add(ref _subscription.Stats.Retried, count);
        _subscription.Stats.LastError = detail;
        var retry = _settings.Retry;
        if (!retry.AllowsRetry(failures))
        {
            _logger.LogWarning("subscription {Subscription}: giving up after {Attempts} attempt(s) ({Detail}); dead-lettering {Count} message(s)",
                _subscription.Id, failures, detail, count);
            return false;
        }

        var delay = retry.DelayBefore(failures);
        _logger.LogDebug("subscription {Subscription}: attempt {Attempt} failed ({Detail}); retrying in {Delay}",
            _subscription.Id, failures, detail, delay);
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<(DeliveryOutcome, string?)> SendSingleAsync(PreparedEvent item, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, item.Path)
        {
            Content = new ByteArrayContent(item.Body) { Headers = { ContentType = CloudEventContentType } },
        };
        request.Headers.TryAddWithoutValidation("pubsubname", _subscription.Spec.PubSubName);
        var (status, body, failure) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Value;
        }

        if (status is >= 200 and <= 299)
        {
            if (body.Length == 0)
            {
                return (DeliveryOutcome.Success, null);
            }

            string? appStatus;
            try
            {
                using var doc = JsonDocument.Parse(body);
                appStatus = doc.RootElement.ValueKind == JsonValueKind.Object && TryGetProperty(doc.RootElement, "status", out var s) && s.ValueKind == JsonValueKind.String
                    ? s.GetString()
                    : "";
            }
            catch (JsonException)
            {
                // daprd skips the status check when the body is not JSON: success.
                return (DeliveryOutcome.Success, null);
            }

            return appStatus?.ToUpperInvariant() switch
            {
                "" or null or "SUCCESS" => (DeliveryOutcome.Success, null),
                "DROP" => (DeliveryOutcome.Drop, "status DROP"),
                "RETRY" => (DeliveryOutcome.Retry, "status RETRY"),
                _ => (DeliveryOutcome.Retry, $"unknown status '{appStatus}'"),
            };
        }

        return status == (int)HttpStatusCode.NotFound
            ? (DeliveryOutcome.Drop, "HTTP 404")
            : (DeliveryOutcome.Retry, $"HTTP {status}");
    }

    private async Task<(DeliveryOutcome Outcome, string? Detail, IReadOnlyDictionary<string, DeliveryOutcome>? Statuses)> SendBulkAsync(IReadOnlyList<PreparedEvent> items, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("entries");
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writer.WriteString("entryId", item.EntryId);
                writer.WritePropertyName("event");
                writer.WriteRawValue(item.Body, skipInputValidation: true);
                writer.WriteString("contentType", ContentTypes.CloudEvent);
                writer.WriteStartObject("metadata");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("id", Guid.NewGuid().ToString());
            writer.WriteStartObject("metadata");
            writer.WriteEndObject();
            writer.WriteString("pubsubname", _subscription.Spec.PubSubName);
            writer.WriteString("topic", _subscription.Spec.Topic);
            writer.WriteString("type", CloudEventBuilder.BulkType);
            writer.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, items[0].Path)
        {
            Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) { Headers = { ContentType = JsonContentType } },
        };
        request.Headers.TryAddWithoutValidation("pubsubname", _subscription.Spec.PubSubName);
        var (status, body, failure) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (failure.Value.Item1, failure.Value.Item2, null);
        }

        if (status == (int)HttpStatusCode.NotFound)
        {
            return (DeliveryOutcome.Drop, "HTTP 404", null);
        }

        if (status is < 200 or > 299)
        {
            return (DeliveryOutcome.Retry, $"HTTP {status}", null);
        }

        var statuses = new Dictionary<string, DeliveryOutcome>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (TryGetProperty(doc.RootElement, "statuses", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (!TryGetProperty(entry, "entryId", out var id) || id.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var text = TryGetProperty(entry, "status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                    statuses[id.GetString()!] = text?.ToUpperInvariant() switch
                    {
                        "SUCCESS" => DeliveryOutcome.Success,
                        "DROP" => DeliveryOutcome.Drop,
                        _ => DeliveryOutcome.Retry,
                    };
                }
            }
        }
        catch (JsonException ex)
        {
            return (DeliveryOutcome.Retry, $"unreadable bulk response: {ex.Message}", null);
        }

        return (DeliveryOutcome.Success, null, statuses);
    }

    private async Task<(int Status, byte[] Body, (DeliveryOutcome, string?)? Failure)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_settings.Inbound.Timeout is { } timeout && timeout > TimeSpan.Zero)
        {
            attempt.CancelAfter(timeout);
        }

        try
        {
            using var response = await _app.Http.SendAsync(request, attempt.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(attempt.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, [], (DeliveryOutcome.Retry, $"timeout after {Resiliency.GoDuration.Format(_settings.Inbound.Timeout ?? TimeSpan.Zero)}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (0, [], AppChannel.IsUnreachable(ex) ? (DeliveryOutcome.Unreachable, ex.Message) : (DeliveryOutcome.Retry, ex.Message));
        }
    }

    private async Task DeadLetterAsync(IReadOnlyList<TopicMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var deadLetterTopic = _subscription.Spec.DeadLetterTopic;
        if (deadLetterTopic is null)
        {
            _logger.LogWarning("subscription {Subscription}: no deadLetterTopic; dropping {Count} message(s)", _subscription.Id, messages.Count);
            await AckAsync(messages, AckOutcome.Dropped, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The original message bytes go to the dead-letter topic unchanged, as daprd's sendToDeadLetter does.
        var copies = new List<OutgoingMessage>(messages.Count);
        foreach (var message in messages)
        {
            copies.Add(new OutgoingMessage(await _broker.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false), message.Flags & MessageFlags.RawPayload));
        }

        while (true)
        {
            try
            {
                await _broker.PublishManyAsync(_subscription.Spec.PubSubName, deadLetterTopic, copies, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Errors.DaprApiException ex)
            {
                _logger.LogWarning("subscription {Subscription}: dead-letter publish to {Topic} failed ({Error}); retrying", _subscription.Id, deadLetterTopic, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }

        Interlocked.Add(ref _subscription.Stats.DeadLettered, messages.Count);
        await AckAsync(messages, AckOutcome.DeadLettered, cancellationToken).ConfigureAwait(false);
    }

    private async Task AckAsync(IReadOnlyList<TopicMessage> messages, AckOutcome outcome, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _broker.AckAsync(_subscription, messages, outcome).ConfigureAwait(false);
                return;
            }
            catch (IOException ex)
            {
                _logger.LogError("subscription {Subscription}: journaling an acknowledgement failed ({Error}); retrying", _subscription.Id, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed record CompiledRules(SubscriptionSpec Spec, IReadOnlyList<(RouteMatcher?, string)> Rules);

    // Deliveries run concurrently; the compiled rules are swapped as one immutable object when the spec changes.
    private IReadOnlyList<(RouteMatcher?, string)> RulesFor(SubscriptionSpec spec)
    {
        var current = Volatile.Read(ref _rules);
        if (current is null || !ReferenceEquals(current.Spec, spec))
        {
            current = new CompiledRules(spec, spec.Rules.Select(r => (string.IsNullOrWhiteSpace(r.Match) ? null : RouteMatcher.TryCreate(r.Match), r.Path)).ToList());
            Volatile.Write(ref _rules, current);
        }

        return current.Rules;
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}

/// <summary>Sidecar-wide delivery knobs (chaos options).</summary>
public sealed record DeliveryOptions(int RedeliverSuccessful, TimeSpan DeliveryDelay);
