using Dapr.Client;

namespace LogDapr.Aggregator.Routing.Delivery;

/// <summary>
/// Invokes the route's binding through the sidecar with the data as raw bytes (the JSON the route sends), so every
/// binding receives exactly <c>{"events":[...]}</c>. daprd reports any failure of the component, a non-2xx answer of
/// an HTTP binding included, as gRPC INTERNAL "error invoking output binding &lt;name&gt;: &lt;cause&gt;".
/// </summary>
public sealed class DaprRouteBindingInvoker(DaprClient dapr) : IRouteBindingInvoker
{
    public async Task InvokeAsync(string binding, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var request = new BindingRequest(binding, operation) { Data = data };
        foreach (var (key, value) in metadata)
        {
            request.Metadata[key] = value;
        }

        await dapr.InvokeBindingAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
