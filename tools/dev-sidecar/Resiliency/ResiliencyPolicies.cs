using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// The policies of all Resiliency resources and their component targets. Lookups fall back the way Dapr's
/// built-in default policies do (e.g. DefaultComponentInboundRetryPolicy, then DefaultComponentRetryPolicy,
/// then DefaultRetryPolicy). Circuit breakers are created once per target so their state is shared by all calls.
/// </summary>
public sealed class ResiliencyPolicies
{
    private readonly Dictionary<string, TimeSpan> timeouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetryPolicy> retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode> breakerTemplates = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Component, string Direction), ComponentPolicy> targets = new();
    private readonly Dictionary<(string Component, string Direction), ComponentPolicy> resolved = new();
    private readonly object gate = new();

    public static ResiliencyPolicies Empty { get; } = new();

    public static ResiliencyPolicies Parse(IEnumerable<(string Name, JsonNode Spec)> resources)
    {
        var result = new ResiliencyPolicies();
        var targetSpecs = new List<(string Resource, string Component, string Direction, JsonNode Node)>();
        foreach (var (name, spec) in resources)
        {
            var policies = spec.Get("policies");
            if (policies.Get("timeouts") is JsonObject timeouts)
            {
                foreach (var (key, value) in timeouts)
                {
                    var text = JsonRead.AsString(value);
                    result.timeouts.TryAdd(key, GoDuration.TryParse(text, out var d)
                        ? d
                        : throw new ResourceException($"Resiliency '{name}': timeout '{key}' has invalid duration '{text}'"));
                }
            }

            if (policies.Get("retries") is JsonObject retries)
            {
                foreach (var (key, value) in retries)
                {
                    result.retries.TryAdd(key, ParseRetry(name, key, value));
                }
            }

            if (policies.Get("circuitBreakers") is JsonObject breakers)
            {
                foreach (var (key, value) in breakers)
                {
                    if (!CircuitBreaker.TryParseTrip(value.GetString("trip"), out _))
                    {
                        throw new ResourceException($"Resiliency '{name}': circuit breaker '{key}' trip '{value.GetString("trip")}' is not supported (use 'consecutiveFailures >= N' or '> N')");
                    }

                    result.breakerTemplates.TryAdd(key, value!);
                }
            }

            if (spec.Get("targets").Get("components") is JsonObject components)
            {
                foreach (var (component, directions) in components)
                {
                    foreach (var direction in new[] { "inbound", "outbound" })
                    {
                        if (directions.Get(direction) is JsonObject node)
                        {
                            targetSpecs.Add((name, component, direction, node));
                        }
                    }
                }
            }
        }

        foreach (var (resource, component, direction, node) in targetSpecs)
        {
            var key = (component, direction);
            if (result.targets.ContainsKey(key))
            {
                continue;
            }

            result.targets[key] = new ComponentPolicy(
                result.ResolveTimeout(resource, node.GetString("timeout")),
                result.ResolveRetry(resource, node.GetString("retry")),
                result.CreateBreaker(resource, node.GetString("circuitBreaker"), $"{component}/{direction}"));
        }

        return result;
    }

    public ComponentPolicy Inbound(string component) => Resolve(component, "inbound");

    public ComponentPolicy Outbound(string component) => Resolve(component, "outbound");

    private ComponentPolicy Resolve(string component, string direction)
    {
        lock (gate)
        {
            if (resolved.TryGetValue((component, direction), out var cached))
            {
                return cached;
            }

            var dir = direction == "inbound" ? "Inbound" : "Outbound";
            this.targets.TryGetValue((component, direction), out var target);
            var timeout = target?.Timeout ?? FirstTimeout($"DefaultComponent{dir}TimeoutPolicy", "DefaultComponentTimeoutPolicy", "DefaultTimeoutPolicy");
            var retry = target?.Retry ?? FirstRetry($"DefaultComponent{dir}RetryPolicy", "DefaultComponentRetryPolicy", "DefaultRetryPolicy");
            var breaker = target?.Breaker ?? FirstBreaker($"{component}/{direction}", $"DefaultComponent{dir}CircuitBreakerPolicy", "DefaultComponentCircuitBreakerPolicy", "DefaultCircuitBreakerPolicy");
            var policy = new ComponentPolicy(timeout, retry, breaker);
            resolved[(component, direction)] = policy;
            return policy;
        }
    }

    private TimeSpan? FirstTimeout(params string[] names)
    {
        foreach (var n in names)
        {
            if (this.timeouts.TryGetValue(n, out var t))
            {
                return t;
            }
        }

        return null;
    }

    private RetryPolicy? FirstRetry(params string[] names) =>
        names.Select(n => this.retries.GetValueOrDefault(n)).FirstOrDefault(r => r is not null);

    private CircuitBreaker? FirstBreaker(string instance, params string[] names)
    {
        foreach (var n in names)
        {
            if (breakerTemplates.ContainsKey(n))
            {
                return CreateBreaker("default policies", n, instance);
            }
        }

        return null;
    }

    private TimeSpan? ResolveTimeout(string resource, string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (this.timeouts.TryGetValue(reference, out var named))
        {
            return named;
        }

        // Dapr also accepts an inline duration where a timeout policy name is expected.
        return GoDuration.TryParse(reference, out var inline)
            ? inline
            : throw new ResourceException($"Resiliency '{resource}': target references unknown timeout policy '{reference}'");
    }

    private RetryPolicy? ResolveRetry(string resource, string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        return this.retries.TryGetValue(reference, out var retry)
            ? retry
            : throw new ResourceException($"Resiliency '{resource}': target references unknown retry policy '{reference}'");
    }

    private CircuitBreaker? CreateBreaker(string resource, string? reference, string instance)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (!breakerTemplates.TryGetValue(reference, out var node))
        {
            throw new ResourceException($"Resiliency '{resource}': target references unknown circuit breaker '{reference}'");
        }

        CircuitBreaker.TryParseTrip(node.GetString("trip"), out var threshold);
        return new CircuitBreaker(
            $"{reference} ({instance})",
            node.GetInt("maxRequests") ?? 1,
            Duration(node.GetString("interval"), TimeSpan.Zero),
            Duration(node.GetString("timeout"), TimeSpan.FromSeconds(60)),
            threshold);
    }

    private static TimeSpan Duration(string? text, TimeSpan fallback) =>
        GoDuration.TryParse(text, out var d) ? d : fallback;

    private static RetryPolicy ParseRetry(string resource, string name, JsonNode? node)
    {
        var policy = node.GetString("policy") ?? "constant";
        var maxRetries = node.GetInt("maxRetries") ?? -1;
        var multiplier = double.TryParse(node.GetString("multiplier"), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : 1.5;
        var randomization = double.TryParse(node.GetString("randomizationFactor"), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : 0.5;
        return policy switch
        {
            "constant" => RetryPolicy.Constant(name, Duration(node.GetString("duration"), TimeSpan.FromSeconds(5)), maxRetries),
            "exponential" => new RetryPolicy(
                name,
                true,
                Duration(node.GetString("duration"), TimeSpan.FromSeconds(5)),
                Duration(node.GetString("initialInterval"), TimeSpan.FromMilliseconds(500)),
                Duration(node.GetString("maxInterval"), TimeSpan.FromSeconds(60)),
                multiplier,
                randomization,
                maxRetries),
            _ => throw new ResourceException($"Resiliency '{resource}': retry '{name}' has unknown policy '{policy}' (constant or exponential)"),
        };
    }
}
