using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using LogDapr.LoadGen.Metrics;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Schedule;

namespace LogDapr.LoadGen.Runner;

/// <summary>
/// Sends requests on an <see cref="ArrivalSchedule"/> (open model) and measures each one from its intended send time.
/// A dedicated thread dispatches, so a busy thread pool delays neither the schedule nor its clock; each due request
/// is handed to the pool and never awaited by the dispatcher. When the concurrency cap is reached, due requests are
/// dropped and counted rather than queued, so the offered load stays what the schedule says.
/// </summary>
public sealed class OpenLoopRunner
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient http;
    private readonly LoadProfile profile;
    private readonly IReadOnlyList<RequestTemplate> templates;
    private readonly ArrivalSchedule schedule;
    private readonly int tenants;
    private readonly LatencyHistogram latency = new();
    private readonly LatencyHistogram dispatchLag = new();
    private readonly ConcurrentDictionary<int, long> statuses = new();
    private readonly ConcurrentDictionary<string, long> transportErrors = new();
    private readonly long[] acceptedPerTenant;
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long inFlight;
    private long completed;
    private long acceptedEvents;
    private long rejectedEvents;
    private long expectedRejections;
    private long acceptedMismatches;
    private long lastCompletionTimestamp;
    private bool dispatchDone;

    public OpenLoopRunner(HttpClient http, LoadProfile profile, IReadOnlyList<RequestTemplate> templates)
    {
        profile.Validate();
        if (templates.Count == 0)
        {
            throw new ArgumentException("no request templates", nameof(templates));
        }

        this.http = http;
        this.profile = profile;
        this.templates = templates;
        schedule = new ArrivalSchedule(profile.RequestsPerSecond, profile.Duration);
        tenants = templates.Max(t => t.Tenant) + 1;
        acceptedPerTenant = new long[tenants];
    }

    /// <summary>Accepted events so far (for live progress and for lag sampling).</summary>
    public long AcceptedSoFar => Interlocked.Read(ref acceptedEvents);

    public async Task<RunResult> RunAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var curve = new List<ProgressSample> { new(start, 0) };
        using var sampler = new Timer(_ =>
        {
            lock (curve)
            {
                curve.Add(ProgressSample.Now(AcceptedSoFar));
            }
        }, null, profile.ProgressInterval, profile.ProgressInterval);
        using var reporter = progress is null ? null : new Timer(_ => progress.Report(Describe(start)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        // The dispatcher signals its end instead of being joined: a blocking Join would hold a pool thread for the
        // whole run, and on a 2-core machine that starves the completions the run is measuring.
        var dispatchEnded = new TaskCompletionSource<(long Sent, long Dropped, long Dispatched)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new Thread(() =>
        {
            try
            {
                dispatchEnded.TrySetResult(Dispatch(start, cancellationToken));
            }
            catch (Exception ex)
            {
                dispatchEnded.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "loadgen-dispatcher",
            Priority = ThreadPriority.AboveNormal,
        };
        dispatcher.Start();
        var (sent, dropped, dispatched) = await dispatchEnded.Task.ConfigureAwait(false);

        Volatile.Write(ref dispatchDone, true);
        if (Interlocked.Read(ref inFlight) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task.ConfigureAwait(false);
        var end = Volatile.Read(ref lastCompletionTimestamp);
        var elapsed = end == 0 ? Stopwatch.GetElapsedTime(start) : Stopwatch.GetElapsedTime(start, end);
        lock (curve)
        {
            curve.Add(ProgressSample.Now(AcceptedSoFar));
        }

        return new RunResult
        {
            Profile = profile,
            EventsPerRequest = templates[0].Events.Count,
            StartedAt = startedAt,
            Elapsed = elapsed,
            Scheduled = schedule.Count,
            Sent = sent,
            DroppedAtCap = dropped,
            Cancelled = schedule.Count - dispatched,
            Completed = Interlocked.Read(ref completed),
            Statuses = new SortedDictionary<int, long>(statuses),
            TransportErrors = new SortedDictionary<string, long>(transportErrors, StringComparer.Ordinal),
            ExpectedRejections = Interlocked.Read(ref expectedRejections),
            AcceptedMismatches = Interlocked.Read(ref acceptedMismatches),
            AcceptedEvents = AcceptedSoFar,
            RejectedEvents = Interlocked.Read(ref rejectedEvents),
            AcceptedPerTenant = [.. acceptedPerTenant],
            Latency = latency,
            DispatchLag = dispatchLag,
            AcceptedCurve = [.. curve.OrderBy(s => s.Timestamp)],
            StartTimestamp = start,
        };
    }

    private (long Sent, long Dropped, long Dispatched) Dispatch(long start, CancellationToken cancellationToken)
    {
        long next = 0, sent = 0, dropped = 0;
        while (next < schedule.Count && !cancellationToken.IsCancellationRequested)
        {
            var due = schedule.DueBy(Stopwatch.GetElapsedTime(start));
            for (; next < due; next++)
            {
                if (Interlocked.Read(ref inFlight) >= profile.MaxInFlight)
                {
                    dropped++;
                    continue;
                }

                Interlocked.Increment(ref inFlight);
                var intended = start + ToStopwatchTicks(schedule.IntendedOffset(next));
                var lag = Stopwatch.GetTimestamp() - intended;
                dispatchLag.Record(Math.Max(0, ToMicroseconds(lag)));
                var template = templates[(int)(next % templates.Count)];
                ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Runner.SendAsync(state.Template, state.Intended, state.Token),
                    new SendState(this, template, intended, cancellationToken), preferLocal: false);
                sent++;
            }

            if (next < schedule.Count)
            {
                PreciseSleep.For(schedule.IntendedOffset(next) - Stopwatch.GetElapsedTime(start));
            }
        }

        return (sent, dropped, next);
    }

    private async Task SendAsync(RequestTemplate template, long intended, CancellationToken cancellationToken)
    {
        var (buffer, length) = template.RenderPooled(DateTime.UtcNow);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, profile.TargetUrl)
            {
                Content = new ByteArrayContent(buffer, 0, length),
            };
            request.Content.Headers.ContentType = Json;
            profile.ApiKey?.ApplyTo(request);

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var now = Stopwatch.GetTimestamp();
            latency.Record(Math.Max(0, ToMicroseconds(now - intended)));
            Volatile.Write(ref lastCompletionTimestamp, now);

            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
            var outcome = ResponseOutcome.Parse(body);
            if (status == 202)
            {
                Interlocked.Add(ref acceptedEvents, outcome.Accepted);
                Interlocked.Add(ref acceptedPerTenant[template.Tenant], outcome.Accepted);
                Interlocked.Add(ref rejectedEvents, outcome.Rejected);
                if (outcome.Accepted != template.ValidEvents)
                {
                    Interlocked.Increment(ref acceptedMismatches);
                }
            }
            else if (status == 400 && template.ValidEvents == 0)
            {
                Interlocked.Increment(ref expectedRejections);
                Interlocked.Add(ref rejectedEvents, template.InvalidEvents);
            }

            Interlocked.Increment(ref completed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or OperationCanceledException)
        {
            Volatile.Write(ref lastCompletionTimestamp, Stopwatch.GetTimestamp());
            transportErrors.AddOrUpdate(Classify(ex, cancellationToken), 1, static (_, n) => n + 1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (Interlocked.Decrement(ref inFlight) == 0 && Volatile.Read(ref dispatchDone))
            {
                drained.TrySetResult();
            }
        }
    }

    private static string Classify(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => "cancelled",
        TaskCanceledException => "timeout",
        HttpRequestException { InnerException: SocketException socket } => "socket " + socket.SocketErrorCode,
        HttpRequestException http => "http " + (http.HttpRequestError.ToString()),
        _ => ex.GetType().Name,
    };

    private string Describe(long start)
    {
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return $"{seconds,6:0.0}s  completed {Interlocked.Read(ref completed),9:N0}  in flight {Interlocked.Read(ref inFlight),5}  "
            + $"accepted events {AcceptedSoFar,12:N0}  p99 so far {latency.ValueAtPercentile(99) / 1000.0,8:0.00} ms";
    }

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));

    private static long ToMicroseconds(long stopwatchTicks) => (long)(stopwatchTicks * 1_000_000.0 / Stopwatch.Frequency);

    private sealed record SendState(OpenLoopRunner Runner, RequestTemplate Template, long Intended, CancellationToken Token);
}
