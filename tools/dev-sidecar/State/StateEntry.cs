namespace LogDapr.DevSidecar.State;

/// <summary>A stored value. <see cref="ExpiresAt"/> is null for keys without TTL.</summary>
public sealed record StateEntry(byte[] Value, string ETag, DateTimeOffset? ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>Response metadata daprd returns for keys with a TTL.</summary>
    public IReadOnlyDictionary<string, string> ResponseMetadata =>
        ExpiresAt is { } at
            ? new Dictionary<string, string> { ["ttlExpireTime"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>();
}

/// <summary>A write request in building-block terms (shared by gRPC SaveState, HTTP and transactions).</summary>
public sealed record StateWrite(string Key, byte[] Value, string? ETag, bool FirstWrite, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A delete request in building-block terms.</summary>
public sealed record StateDelete(string Key, string? ETag, bool FirstWrite);
