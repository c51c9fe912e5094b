using Grpc.Core;
using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Output bindings by component name, invoked under the component's outbound resiliency policy, with failures
/// mapped to daprd's "error invoking output binding" errors.
/// </summary>
public sealed class BindingRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, IOutputBinding> _bindings = new(StringComparer.Ordinal);
    private readonly ResiliencyPolicies _policies;

    public BindingRegistry(IEnumerable<ResolvedComponent> components, ResiliencyPolicies policies, ILogger logger)
    {
        _policies = policies;
        foreach (var component in components)
        {
            IOutputBinding binding;
            if (component.ResolutionError is { } error)
            {
                binding = new UnsupportedBinding(component.Name, error);
            }
            else if (component.Type is "bindings.postgresql" or "bindings.postgres")
            {
                binding = new PostgresBinding(component.Name, component.Metadata);
                logger.LogInformation("component {Component} type {Type}: served by Npgsql against the configured PostgreSQL ({Policy})",
                    component.Name, component.Type, policies.Outbound(component.Name).Describe());
            }
            else
            {
                binding = new UnsupportedBinding(component.Name, $"binding type {component.Type} is not supported by the development sidecar (supported: bindings.postgresql)");
                logger.LogWarning("component {Component} type {Type}: NOT served (the development sidecar supports bindings.postgresql only); invocations will fail",
                    component.Name, component.Type);
            }

            _bindings[component.Name] = binding;
        }
    }

    public IEnumerable<string> Names => _bindings.Keys;

    public async Task<BindingResponse> InvokeAsync(string name, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (!_bindings.TryGetValue(name ?? "", out var binding))
        {
            throw DaprApiException.BindingNotFound(name ?? "");
        }

        if (binding is UnsupportedBinding unsupported)
        {
            throw DaprApiException.BindingFailed(binding.Name, unsupported.Reason, StatusCode.InvalidArgument);
        }

        // close must not be retried or broken-circuit-blocked: it is a local operation on the pool.
        var policy = operation == "close" ? ComponentPolicy.None : _policies.Outbound(name!);
        try
        {
            return await OutboundPolicyRunner.ExecuteAsync(policy, ct => binding.InvokeAsync(operation, data, metadata, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (BindingException ex)
        {
            throw DaprApiException.BindingFailed(name!, ex.Message, ex.Unavailable ? StatusCode.Unavailable : StatusCode.Internal, ex);
        }
        catch (CircuitOpenException ex)
        {
            throw DaprApiException.BindingFailed(name!, ex.Message, StatusCode.Unavailable, ex);
        }
        catch (PolicyTimeoutException ex)
        {
            throw DaprApiException.BindingFailed(name!, ex.Message, StatusCode.DeadlineExceeded, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var binding in _bindings.Values.OfType<IAsyncDisposable>())
        {
            await binding.DisposeAsync().ConfigureAwait(false);
        }
    }
}
