using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>Raised when a call is refused because the component's circuit breaker is open.</summary>
public sealed class CircuitOpenException(string breaker) : Exception($"circuit breaker is open ({breaker})");

/// <summary>Raised when one attempt exceeded the policy timeout (distinct from the caller cancelling).</summary>
public sealed class PolicyTimeoutException(TimeSpan timeout, Exception? inner = null) : TimeoutException($"timeout of {GoDuration.Format(timeout)} exceeded", inner);
