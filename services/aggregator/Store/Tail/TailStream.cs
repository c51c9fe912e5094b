using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LogDapr.Aggregator.Store.Search;
using LogDapr.Configuration.Store;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Tail;

/// <summary>
/// One live tail as Server-Sent Events: each event a <c>data:</c> line of JSON in the search's shape; <c>event: dropped</c>
/// with <c>{"count":n}</c> when the client fell more than Store:Tail:BufferedEvents behind and that many were dropped
/// (oldest first); a comment line as heartbeat. Takes a slot for its whole life, or answers 429 when none is free.
/// </summary>
public sealed partial class TailStream(LogFilter filter) : IResult
{
    /// <summary>When to try again after a 429: a few polls, long enough for a tail to end.</summary>
    public const int RetryAfterSeconds = 5;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var slots = services.GetRequiredService<TailSlots>();
        var metrics = services.GetRequiredService<TailMetrics>();
        var options = services.GetRequiredService<IOptions<StoreOptions>>().Value.Tail;
        if (!slots.TryEnter())
        {
            metrics.Refused();
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.Overloaded,
                Title = "Too many live tails",
                Detail = $"This replica serves at most {options.MaxConcurrent} tails at once (Store:Tail:MaxConcurrent); retry later or search instead.",
            }).ExecuteAsync(httpContext).ConfigureAwait(false);
            return;
        }

        metrics.Opened();
        try
        {
            await StreamAsync(httpContext, options, metrics).ConfigureAwait(false);
        }
        finally
        {
            metrics.Closed();
            slots.Leave();
        }
    }

    private async Task StreamAsync(HttpContext httpContext, StoreTailOptions options, TailMetrics metrics)
    {
        var services = httpContext.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var logger = services.GetRequiredService<ILogger<TailStream>>();
        var aborted = httpContext.RequestAborted;
        long dropped = 0;
        var channel = Channel.CreateBounded<StoredEvent>(
            new BoundedChannelOptions(options.BufferedEvents) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ =>
            {
                Interlocked.Increment(ref dropped);
                metrics.Dropped(1);
            });

        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(aborted).ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var poller = new TailPoller(services.GetRequiredService<LogEventsReader>(), options, logger);
        var polling = Task.Run(() => poller.RunAsync(filter, channel.Writer, stop.Token), stop.Token);
        try
        {
            await WriteAsync(response, channel.Reader, () => Interlocked.Exchange(ref dropped, 0), json, options.HeartbeatInterval, polling, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a tail.
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await polling.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Logged, not rethrown: the response has started, so an exception could only abort the connection.
                TailEnded(logger, ex.Message);
            }
        }
    }

    private static async Task WriteAsync(
        HttpResponse response, ChannelReader<StoredEvent> events, Func<long> takeDropped, JsonSerializerOptions json,
        TimeSpan heartbeat, Task polling, CancellationToken cancellationToken)
    {
        var body = response.Body;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool ready;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(heartbeat);
                try
                {
                    ready = await events.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await WriteDroppedAsync(body, takeDropped, cancellationToken).ConfigureAwait(false);
                    await body.WriteAsync(": heartbeat\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (!ready || polling.IsFaulted)
            {
                return;
            }

            // A batch per flush: at most what was queued when the client caught up. Drops are told where they are
            // seen: before the event that follows the gap, and after the batch, because events dropped while the
            // batch was written may be followed by no other event for a long time (the stream then only heartbeats).
            for (var written = 0; written < 256 && events.TryRead(out var stored); written++)
            {
                await WriteDroppedAsync(body, takeDropped, cancellationToken).ConfigureAwait(false);
                await body.WriteAsync("data: "u8.ToArray(), cancellationToken).ConfigureAwait(false);
                await JsonSerializer.SerializeAsync(body, stored, json, cancellationToken).ConfigureAwait(false);
                await body.WriteAsync("\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            await WriteDroppedAsync(body, takeDropped, cancellationToken).ConfigureAwait(false);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteDroppedAsync(Stream body, Func<long> takeDropped, CancellationToken cancellationToken)
    {
        var lost = takeDropped();
        if (lost > 0)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes($"event: dropped\ndata: {{\"count\":{lost}}}\n\n"), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live tail ended because its reads failed: {Error}")]
    private static partial void TailEnded(ILogger logger, string error);
}
