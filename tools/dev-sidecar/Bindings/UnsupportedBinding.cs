namespace LogDapr.DevSidecar.Bindings;

/// <summary>Stands in for binding components whose type the sidecar cannot serve, so calls fail with a clear reason.</summary>
public sealed class UnsupportedBinding(string name, string reason) : IOutputBinding
{
    public string Name { get; } = name;

    public string Reason { get; } = reason;

    public Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        throw new NotSupportedException(Reason);
}
