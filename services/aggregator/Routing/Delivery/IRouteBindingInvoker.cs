namespace LogDapr.Aggregator.Routing.Delivery;

/// <summary>Sends one request to a Dapr output binding; any exception is a failed call (the caller retries it).</summary>
public interface IRouteBindingInvoker
{
    Task InvokeAsync(string binding, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}
