using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// Runs an outbound call under a component policy the way daprd's resiliency runner does (v1.16.0
/// pkg/resiliency/policy.go NewRunnerWithOptions): the timeout wraps each attempt, the circuit breaker wraps the
/// timeout, the retry wraps the breaker, and an open breaker is a permanent failure that is not retried.
/// Built on Polly: its retry with the policy's own delays and its timeout, plus <see cref="CircuitBreakerStrategy"/>.
/// </summary>
public static class OutboundPolicyRunner
{
    // One pipeline per policy instance: a policy's breaker is shared by every call to its component.
    private static readonly ConditionalWeakTable<ComponentPolicy, ResiliencePipeline> Pipelines = new();

    public static async Task<T> ExecuteAsync<T>(ComponentPolicy policy, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var pipeline = Pipelines.GetValue(policy, Build);
        try
        {
            return await pipeline.ExecuteAsync(static (state, ct) => new ValueTask<T>(state(ct)), operation, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex) when (policy.Timeout is { } timeout)
        {
            throw new PolicyTimeoutException(timeout, ex);
        }
    }

    private static ResiliencePipeline Build(ComponentPolicy policy)
    {
        var builder = new ResiliencePipelineBuilder();
        if (policy.Retry is { MaxRetries: not 0 } retry)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // maxRetries counts retries after the first attempt, as Polly's does; -1 is dapr/kit's "no limit".
                MaxRetryAttempts = retry.MaxRetries < 0 ? int.MaxValue : retry.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && ex is not CircuitOpenException && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retry.DelayBefore(args.AttemptNumber + 1)),
            });
        }

        if (policy.Breaker is { } breaker)
        {
            builder.AddStrategy(_ => new CircuitBreakerStrategy(breaker), new CircuitBreakerStrategy.Options());
        }

        if (policy.Timeout is { } timeout && timeout > TimeSpan.Zero)
        {
            // A generator, not Timeout: Polly validates Timeout to 10ms..24h, daprd takes any positive duration.
            builder.AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(timeout) });
        }

        return builder.Build();
    }
}
