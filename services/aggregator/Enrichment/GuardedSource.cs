using LogDapr.Configuration.Enrichment;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// One remote source of the lookup (the state store or Postgres) behind its own circuit breaker and timeout. A call
/// either answers or fails within the timeout; while the breaker is open it fails at once without touching the source.
/// The timeout sits inside the breaker, so a source that hangs opens the breaker like one that refuses. At most
/// <see cref="EnrichmentOptions.MaxConcurrentCalls"/> calls reach the source at once (deliveries in flight each look up;
/// after a restart they would all ask Postgres for the same cold keys at the same moment).
/// </summary>
public sealed partial class GuardedSource
{
    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerStateProvider state = new();
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private int queued;

    public GuardedSource(string name, TimeSpan timeout, EnrichmentOptions options, TimeProvider time, ILogger logger)
    {
        Name = name;
        this.logger = logger;
        slots = new SemaphoreSlim(options.MaxConcurrentCalls, options.MaxConcurrentCalls);
        pipeline = new ResiliencePipelineBuilder { Name = $"enrichment-{name}", TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                StateProvider = state,
                OnOpened = args =>
                {
                    LogOpened(logger, Name, args.BreakDuration, args.Outcome.Exception?.Message ?? "failure");
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger, Name);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timeout })
            .Build();
    }

    public string Name { get; }

    public CircuitBreakerStateProvider State => state;

    /// <summary>Calls waiting for one of the source's <see cref="EnrichmentOptions.MaxConcurrentCalls"/> slots.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>Runs <paramref name="call"/> through the breaker and timeout; a failure is returned, never thrown (the caller's cancellation is).</summary>
    public async ValueTask<SourceAnswer<T>> RunAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            // The wait for a slot is inside the timeout: a caller never waits longer than the timeout in all.
            var value = await pipeline.ExecuteAsync(static (s, ct) => s.Source.LimitedAsync(s.Call, ct), (Source: this, Call: call), cancellationToken)
                .ConfigureAwait(false);
            return new SourceAnswer<T>(true, value, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException ex)
        {
            return new SourceAnswer<T>(false, default, $"breaker open: {ex.Message}");
        }
        catch (Exception ex)
        {
            // Every failure of a source, whatever its type, becomes "unavailable" for its keys: events must go on.
            LogFailed(logger, Name, ex.GetType().Name, ex.Message);
            return new SourceAnswer<T>(false, default, ex.Message);
        }
    }

    private async ValueTask<T> LimitedAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref queued);
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref queued);
        }

        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrichment source {Source} failed ({ErrorType}): {Error}")]
    private static partial void LogFailed(ILogger logger, string source, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrichment source {Source}: breaker opened for {BreakDuration} after {Error}; its keys are unavailable meanwhile")]
    private static partial void LogOpened(ILogger logger, string source, TimeSpan breakDuration, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrichment source {Source}: breaker closed, the source answers again")]
    private static partial void LogClosed(ILogger logger, string source);
}

/// <summary>A source's answer: <see cref="Ok"/> with its value, or the error that made its keys unavailable.</summary>
public readonly record struct SourceAnswer<T>(bool Ok, T? Value, string? Error);
