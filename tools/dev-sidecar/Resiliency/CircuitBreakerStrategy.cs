using Polly;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// <see cref="CircuitBreaker"/> as a Polly strategy: refused calls end with <see cref="CircuitOpenException"/>, which
/// the retry treats as permanent (daprd wraps ErrOpenState/ErrTooManyRequests in backoff.Permanent). A call the
/// caller cancelled counts neither way.
/// </summary>
internal sealed class CircuitBreakerStrategy(CircuitBreaker breaker) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        if (!breaker.TryEnter(out var generation))
        {
            return Outcome.FromException<TResult>(new CircuitOpenException(breaker.Name));
        }

        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is null)
        {
            breaker.OnSuccess(generation);
        }
        else if (!context.CancellationToken.IsCancellationRequested)
        {
            breaker.OnFailure(generation);
        }

        return outcome;
    }

    /// <summary>Polly wants options for every strategy; this one has none beyond the breaker it wraps.</summary>
    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "gobreaker";
    }
}
