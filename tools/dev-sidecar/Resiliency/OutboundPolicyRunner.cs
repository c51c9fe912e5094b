namespace LogDapr.DevSidecar.Resiliency;

/// <summary>Raised when a call is refused because the component's circuit breaker is open.</summary>
public sealed class CircuitOpenException(string breaker) : Exception($"circuit breaker is open ({breaker})");

/// <summary>Raised when one attempt exceeded the policy timeout (distinct from the caller cancelling).</summary>
public sealed class PolicyTimeoutException(TimeSpan timeout) : TimeoutException($"timeout of {GoDuration.Format(timeout)} exceeded");

/// <summary>
/// Runs an outbound call under a component policy the way Dapr's resiliency runner does: the timeout and the
/// circuit breaker wrap each attempt, the retry wraps them, and an open breaker is a permanent failure that
/// is not retried.
/// </summary>
public static class OutboundPolicyRunner
{
    public static async Task<T> ExecuteAsync<T>(ComponentPolicy policy, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var breaker = policy.Breaker;
            if (breaker is not null && !breaker.TryEnter())
            {
                throw new CircuitOpenException(breaker.Name);
            }

            try
            {
                T result;
                if (policy.Timeout is { } timeout && timeout > TimeSpan.Zero)
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    attempt.CancelAfter(timeout);
                    try
                    {
                        result = await operation(attempt.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new PolicyTimeoutException(timeout);
                    }
                }
                else
                {
                    result = await operation(cancellationToken).ConfigureAwait(false);
                }

                breaker?.OnSuccess();
                return result;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                breaker?.OnFailure();
                failures++;
                if (policy.Retry is not { } retry || !retry.AllowsRetry(failures))
                {
                    throw;
                }

                await Task.Delay(retry.DelayBefore(failures), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
