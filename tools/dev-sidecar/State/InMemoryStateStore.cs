using System.Globalization;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// <c>state.in-memory</c> as components-contrib v1.16.0 (state/in-memory/in_memory.go) runs it: every write gets a
/// new UUID ETag; a write or delete with an ETag must match the current one (an absent key is a mismatch);
/// FIRST_WRITE without an ETag fails on an existing key as an ETag mismatch; ttlInSeconds &gt; 0 expires the key
/// (negative means none); Multi checks every operation against the state before it, then applies all or nothing.
/// </summary>
public sealed class InMemoryStateStore(string name, Func<DateTimeOffset>? clock = null) : TableStateStore(name, clock)
{
    public override string Model => "state.in-memory/v1";

    public override IReadOnlyList<string> Capabilities { get; } = ["ETAG", "TRANSACTIONAL", "TTL"];

    protected override StateItem? Read(string key)
    {
        if (Live(key) is not { } row)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>();
        if (row.ExpiresAt is { } at)
        {
            metadata["ttlExpireTime"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        return new StateItem(row.Value, row.ETag, metadata);
    }

    protected override void Write(StateWrite write)
    {
        var ttl = ParseTtl(write.Metadata);
        Validate(write.Key, write.ETag, write.FirstWrite);
        Store(write, ttl);
    }

    protected override void Remove(StateDelete delete)
    {
        Validate(delete.Key, delete.ETag, delete.FirstWrite);
        Rows.Remove(delete.Key);
    }

    protected override void Transact(IReadOnlyList<object> operations)
    {
        var ttls = operations.Select(op => op is StateWrite w ? ParseTtl(w.Metadata) : 0).ToList();
        foreach (var op in operations)
        {
            switch (op)
            {
                case StateWrite w:
                    Validate(w.Key, w.ETag, w.FirstWrite);
                    break;
                case StateDelete d:
                    Validate(d.Key, d.ETag, d.FirstWrite);
                    break;
            }
        }

        for (var i = 0; i < operations.Count; i++)
        {
            switch (operations[i])
            {
                case StateWrite w:
                    Store(w, ttls[i]);
                    break;
                case StateDelete d:
                    Rows.Remove(d.Key);
                    break;
            }
        }
    }

    private void Store(StateWrite write, int ttl) =>
        Rows[write.Key] = new Row(write.Value, Guid.NewGuid().ToString(), ttl > 0 ? Now.AddSeconds(ttl) : null);

    // doValidateEtag.
    private void Validate(string key, string? etag, bool firstWrite)
    {
        var current = Live(key);
        if (string.IsNullOrEmpty(etag))
        {
            if (firstWrite && current is not null)
            {
                throw StateStoreException.Mismatch("item already exists and no etag was passed");
            }

            return;
        }

        if (current is null)
        {
            throw StateStoreException.Mismatch($"state not exist or expired for key={key}");
        }

        if (current.ETag != etag)
        {
            throw StateStoreException.Mismatch($"state etag not match for key={key}: current={current.ETag}, expect={etag}");
        }
    }

    // doParseTTLInSeconds: strconv.Atoi, negative means no expiry.
    private static int ParseTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var text) || text.Length == 0)
        {
            return 0;
        }

        return GoStrconv.TryParseInt(text, 64, "Atoi", out var seconds, out var error)
            ? (int)Math.Clamp(seconds, 0, int.MaxValue)
            : throw StateStoreException.Other(error);
    }
}
