using System.Globalization;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// <c>state.redis</c> as components-contrib v1.16.0 (state/redis/redis.go) runs it against a Redis without RedisJSON:
/// each key is a hash {data, version[, first-write]} written by one Lua script.
/// <list type="bullet">
/// <item>A write succeeds when the key is absent, when its ETag equals the stored version, or when it carries no ETag
/// and the key has no first-write marker. A write with FIRST_WRITE sets the marker, and from then on every write
/// without the right ETag fails ("failed to set key", gRPC INTERNAL — not an ETag mismatch, since no ETag was sent).</item>
/// <item>A non-numeric ETag is "invalid etag value" (INVALID_ARGUMENT / 400); under LAST_WRITE the ETag is ignored.</item>
/// <item>ttlInSeconds (request, else the component's <c>ttlInSeconds</c>): &gt;0 sets EXPIRE, ≤0 PERSIST; a write
/// without either keeps the key's current expiry, because HSET does not touch it.</item>
/// <item>Delete without an ETag always succeeds; with one it must match unless the key is absent.</item>
/// <item>Multi is MULTI/EXEC: the scripts run without the first-write argument, each command succeeds or fails on
/// its own (Redis has no rollback), EXPIRE/PERSIST are queued regardless, and the first failure is reported.</item>
/// <item>Get returns data and version, no TTL metadata.</item>
/// </list>
/// </summary>
public sealed class RedisStateStore(string name, IReadOnlyDictionary<string, string> componentMetadata, Func<DateTimeOffset>? clock = null)
    : TableStateStore(name, clock)
{
    private readonly long? defaultTtl = componentMetadata.TryGetValue("ttlInSeconds", out var ttl)
        && long.TryParse(ttl, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    public override string Model => "state.redis/v1";

    public override IReadOnlyList<string> Capabilities { get; } = ["ETAG", "TRANSACTIONAL", "TTL"];

    protected override StateItem? Read(string key) =>
        Live(key) is { } row ? new StateItem(row.Value, row.ETag, new Dictionary<string, string>()) : null;

    protected override void Write(StateWrite write)
    {
        var version = ParseETag(write);
        var ttl = ParseTtl(write);
        if (!RunSetScript(write.Key, version, write.Value, write.FirstWrite))
        {
            throw write.HasETag
                ? StateStoreException.Mismatch(ScriptError($"failed to set key {write.Key}"))
                : StateStoreException.Other($"failed to set key {write.Key}: {ScriptError($"failed to set key {write.Key}")}");
        }

        ApplyTtl(write.Key, ttl);
    }

    protected override void Remove(StateDelete delete)
    {
        if (!RunDeleteScript(delete.Key, delete.HasETag ? delete.ETag! : "0"))
        {
            throw StateStoreException.Mismatch(ScriptError($"failed to delete {delete.Key}"));
        }
    }

    protected override void Transact(IReadOnlyList<object> operations)
    {
        // Arguments are parsed while the pipeline is built: a bad ETag or TTL fails the call before anything runs.
        var queued = new List<Func<string?>>();
        foreach (var op in operations)
        {
            switch (op)
            {
                case StateWrite w:
                    var version = ParseETag(w);
                    var ttl = ParseTtl(w);
                    queued.Add(() => RunSetScript(w.Key, version, w.Value, firstWrite: false) ? null : ScriptError($"failed to set key {w.Key}"));
                    queued.Add(() =>
                    {
                        ApplyTtl(w.Key, ttl);
                        return null;
                    });
                    break;
                case StateDelete d:
                    queued.Add(() => RunDeleteScript(d.Key, d.HasETag ? d.ETag! : "0") ? null : ScriptError($"failed to delete {d.Key}"));
                    break;
            }
        }

        string? first = null;
        foreach (var command in queued)
        {
            first ??= command();
        }

        if (first is not null)
        {
            throw StateStoreException.Other(first);
        }
    }

    // setDefaultQuery: returns false where the script raises "failed to set key".
    private bool RunSetScript(string key, long version, byte[] value, bool firstWrite)
    {
        var current = Live(key);
        var versionArgument = version.ToString(CultureInfo.InvariantCulture);
        var allowed = current is null
            || current.ETag == versionArgument
            || (!current.FirstWriteMarker && version == 0);
        if (!allowed)
        {
            return false;
        }

        var next = current is null ? 1 : long.Parse(current.ETag, CultureInfo.InvariantCulture) + 1;
        Rows[key] = new Row(value, next.ToString(CultureInfo.InvariantCulture), current?.ExpiresAt, (current?.FirstWriteMarker ?? false) || firstWrite);
        return true;
    }

    // delDefaultQuery.
    private bool RunDeleteScript(string key, string etag)
    {
        var current = Live(key);
        if (current is not null && current.ETag != etag && etag != "0")
        {
            return false;
        }

        Rows.Remove(key);
        return true;
    }

    private void ApplyTtl(string key, long? ttl)
    {
        if (ttl is not { } seconds || !Rows.TryGetValue(key, out var row))
        {
            return;
        }

        Rows[key] = row with { ExpiresAt = seconds > 0 ? Now.AddSeconds(seconds) : null };
    }

    // parseETag: LAST_WRITE or no ETag means version 0 ("no check unless first-write marked").
    private static long ParseETag(StateWrite write)
    {
        if (write.Concurrency == StateWrite.LastWriteMode || !write.HasETag)
        {
            return 0;
        }

        return GoStrconv.TryParseInt(write.ETag!, 64, "Atoi", out var version, out var error)
            ? version
            : throw StateStoreException.Invalid(error);
    }

    private long? ParseTtl(StateWrite write)
    {
        if (!write.Metadata.TryGetValue("ttlInSeconds", out var text) || text.Length == 0)
        {
            return defaultTtl;
        }

        return GoStrconv.TryParseInt(text, 64, "ParseInt", out var seconds, out var error)
            ? seconds
            : throw StateStoreException.Other($"failed to parse ttl from metadata: {error}");
    }

    // The text go-redis reports for a Lua error() (Redis 7); the script line is not modelled.
    private static string ScriptError(string message) => $"ERR user_script:1: {message}";
}
