namespace LogDapr.Aggregator.Store.Archive;

/// <summary>Where archive objects are written and read back: a Dapr output binding (operations create and get).</summary>
public interface IArchiveBinding
{
    /// <summary>Writes (or overwrites) one object.</summary>
    Task CreateAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>Reads one object back, whole (parts are bounded by Store:Archive:MaxPartBytes).</summary>
    Task<byte[]> GetAsync(string objectName, CancellationToken cancellationToken);
}
