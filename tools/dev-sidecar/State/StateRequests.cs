namespace LogDapr.DevSidecar.State;

/// <summary>
/// A write in building-block terms (gRPC SaveState, HTTP POST state, transactions), as daprd hands it to the
/// component: <see cref="Concurrency"/> is "", "first-write" or "last-write"; the key already carries daprd's prefix.
/// </summary>
public sealed record StateWrite(string Key, byte[] Value, string? ETag, string Concurrency, IReadOnlyDictionary<string, string> Metadata)
{
    public const string FirstWriteMode = "first-write";
    public const string LastWriteMode = "last-write";

    /// <summary>components-contrib's <c>HasETag</c>: an ETag that is present and not empty.</summary>
    public bool HasETag => !string.IsNullOrEmpty(ETag);

    public bool FirstWrite => Concurrency == FirstWriteMode;
}

/// <summary>A delete in building-block terms.</summary>
public sealed record StateDelete(string Key, string? ETag, string Concurrency, IReadOnlyDictionary<string, string> Metadata)
{
    public bool HasETag => !string.IsNullOrEmpty(ETag);

    public bool FirstWrite => Concurrency == StateWrite.FirstWriteMode;
}

/// <summary>What a store returns for a key: value, ETag and response metadata (e.g. <c>ttlExpireTime</c>).</summary>
public sealed record StateItem(byte[] Value, string? ETag, IReadOnlyDictionary<string, string> Metadata);
