using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Output bindings by component name, invoked under the component's outbound resiliency policy, with failures
/// reported as daprd v1.16.0 reports them: always "error invoking output binding &lt;name&gt;: &lt;cause&gt;"
/// (gRPC INTERNAL, HTTP 500 ERR_INVOKE_OUTPUT_BINDING; pkg/api/grpc InvokeBinding, pkg/runtime/processor/binding/send.go).
/// A binding outside the calling app's scopes is not loaded for it: "couldn't find output binding".
/// </summary>
public sealed class BindingRegistry : IAsyncDisposable
{
    private static readonly string[] PostgresOperations = ["exec", "query", "close"];
    private readonly Dictionary<string, (ResolvedComponent Component, IOutputBinding Binding, string[] Operations)> bindings = new(StringComparer.Ordinal);
    private readonly ResiliencyPolicies policies;

    public BindingRegistry(IEnumerable<ResolvedComponent> components, ResiliencyPolicies policies, ILogger logger)
    {
        this.policies = policies;
        foreach (var component in components)
        {
            IOutputBinding binding;
            var operations = PostgresOperations;
            if (component.ResolutionError is { } error)
            {
                binding = new UnsupportedBinding(component.Name, error);
            }
            else if (component.Type is "bindings.postgresql" or "bindings.postgres")
            {
                binding = new PostgresBinding(component.Name, component.Metadata);
                logger.LogInformation("component {Component} type {Type}: served by Npgsql against the configured PostgreSQL ({Policy}); scopes: {Scopes}",
                    component.Name, component.Type, policies.Outbound(component.Name).Describe(), Scopes(component));
            }
            else if (component.Type == "bindings.localstorage")
            {
                var local = new LocalStorageBinding(component.Name, component.Metadata);
                binding = local;
                operations = LocalStorageBinding.Operations;
                if (local.InitError is { } initError)
                {
                    logger.LogError("component {Component} type {Type}: {Error} (daprd would not start); invocations will fail", component.Name, component.Type, initError);
                }
                else
                {
                    logger.LogInformation("component {Component} type {Type}: files under {RootPath}; scopes: {Scopes}", component.Name, component.Type, local.RootPath, Scopes(component));
                }
            }
            else if (component.Type == "bindings.http")
            {
                var http = new HttpOutputBinding(component.Name, component.Metadata);
                binding = http;
                operations = HttpOutputBinding.Operations;
                if (http.InitError is { } initError)
                {
                    logger.LogError("component {Component} type {Type}: {Error} (daprd would not start); invocations will fail", component.Name, component.Type, initError);
                }
                else
                {
                    logger.LogInformation("component {Component} type {Type}: HTTP requests to {Url} ({Policy}); scopes: {Scopes}",
                        component.Name, component.Type, http.Url, policies.Outbound(component.Name).Describe(), Scopes(component));
                }
            }
            else
            {
                binding = new UnsupportedBinding(component.Name, $"binding type {component.Type} is not supported by the development sidecar (supported: bindings.postgresql, bindings.localstorage, bindings.http)");
                logger.LogWarning("component {Component} type {Type}: NOT served (the development sidecar supports bindings.postgresql, bindings.localstorage and bindings.http only); invocations will fail",
                    component.Name, component.Type);
            }

            this.bindings[component.Name] = (component, binding, operations);
        }
    }

    public IEnumerable<string> Names => this.bindings.Keys;

    public async Task<BindingResponse> InvokeAsync(string appId, string name, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        name ??= "";
        if (string.IsNullOrEmpty(operation))
        {
            throw DaprApiException.BindingFailed(name, "operation field is missing from request");
        }

        if (!this.bindings.TryGetValue(name, out var entry) || !entry.Component.IsLoadedFor(appId))
        {
            throw DaprApiException.BindingFailed(name, $"couldn't find output binding {name}");
        }

        var binding = entry.Binding;
        if (binding is UnsupportedBinding unsupported)
        {
            throw DaprApiException.BindingFailed(name, unsupported.Reason);
        }

        if (!entry.Operations.Contains(operation))
        {
            throw DaprApiException.BindingFailed(name, $"binding {name} does not support operation {operation}. supported operations:{string.Join(' ', entry.Operations)}");
        }

        // Postgres close must not be retried or broken-circuit-blocked: it is a local operation on the pool.
        var policy = operation == "close" && binding is PostgresBinding ? ComponentPolicy.None : this.policies.Outbound(name);
        try
        {
            return await OutboundPolicyRunner.ExecuteAsync(policy, ct => binding.InvokeAsync(operation, data, metadata, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (BindingException ex)
        {
            throw DaprApiException.BindingFailed(name, ex.Message, ex);
        }
        catch (CircuitOpenException ex)
        {
            throw DaprApiException.BindingFailed(name, ex.Message, ex);
        }
        catch (PolicyTimeoutException ex)
        {
            throw DaprApiException.BindingFailed(name, ex.Message, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var binding in this.bindings.Values.Select(b => b.Binding).OfType<IAsyncDisposable>())
        {
            await binding.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Scopes(ResolvedComponent component) =>
        component.Resource.Scopes.Count == 0 ? "every app" : string.Join(", ", component.Resource.Scopes);
}
