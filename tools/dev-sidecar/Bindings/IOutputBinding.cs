namespace LogDapr.DevSidecar.Bindings;

/// <summary>The response of an output binding: raw data plus response metadata, as Dapr's InvokeResponse.</summary>
public sealed record BindingResponse(byte[] Data, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A binding that answered no response at all (Go nil): daprd's HTTP API then answers 204.</summary>
    public static BindingResponse Nil { get; } = new([], new Dictionary<string, string>());
}

/// <summary>An output binding component.</summary>
public interface IOutputBinding
{
    string Name { get; }

    Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}

/// <summary>A failure of the binding itself (bad request or backend error); the message is what daprd would append.</summary>
public sealed class BindingException(string message, bool unavailable = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True for connection-level failures (reported as gRPC UNAVAILABLE); false for request/SQL errors.</summary>
    public bool Unavailable { get; } = unavailable;
}
