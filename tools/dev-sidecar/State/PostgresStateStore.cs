using System.Globalization;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// <c>state.postgresql</c> as components-contrib v1.16.0 runs it: v1 (common/component/postgresql/v1, ETag = the
/// row's <c>xmin</c>, a uint32) and v2 (state/postgresql/v2, ETag = a random UUID per write). Both:
/// <list type="bullet">
/// <item>A write without an ETag is an upsert; with FIRST_WRITE the conflicting row is only replaced when it has
/// expired, otherwise no row is written and the error is "no item was updated" (gRPC INTERNAL, not an ETag mismatch).</item>
/// <item>A write with an ETag is an UPDATE of the live row with that ETag; no row: ETag mismatch (ABORTED / 409).
/// v1 rejects a non-uint32 ETag as invalid (INVALID_ARGUMENT / 400); v2 reports a non-UUID ETag as a mismatch.</item>
/// <item>ttlInSeconds &gt; 0 sets the expiry, anything else clears it; Get hides expired rows and reports
/// <c>ttlExpireTime</c>.</item>
/// <item>Delete without an ETag always succeeds; with one it must match a row (expired or not).</item>
/// <item>Multi with more than one operation is one SQL transaction: the first failure rolls everything back. In v1
/// every row written by one transaction gets the same xmin.</item>
/// </list>
/// </summary>
public sealed class PostgresStateStore(string name, int version, Func<DateTimeOffset>? clock = null) : TableStateStore(name, clock)
{
    private uint transactionId = 730;

    public override string Model => $"state.postgresql/v{version}";

    // v1 also reports QUERY_API, which the sidecar does not serve.
    public override IReadOnlyList<string> Capabilities { get; } = ["ETAG", "TRANSACTIONAL", "TTL"];

    protected override StateItem? Read(string key)
    {
        if (!Rows.TryGetValue(key, out var row) || row.ExpiredAt(Now))
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

    protected override void Write(StateWrite write) => Apply([write], Rows);

    protected override void Remove(StateDelete delete) => Apply([delete], Rows);

    protected override void Transact(IReadOnlyList<object> operations)
    {
        if (operations.Count <= 1)
        {
            Apply(operations, Rows);
            return;
        }

        var staged = new Dictionary<string, Row>(Rows, StringComparer.Ordinal);
        Apply(operations, staged);
        Rows.Clear();
        foreach (var (key, row) in staged)
        {
            Rows[key] = row;
        }
    }

    /// <summary>Runs statements in one transaction against <paramref name="table"/>; throws at the first failure.</summary>
    private void Apply(IReadOnlyList<object> operations, Dictionary<string, Row> table)
    {
        var xmin = (++transactionId).ToString(CultureInfo.InvariantCulture);
        foreach (var op in operations)
        {
            switch (op)
            {
                case StateWrite w:
                    Set(w, table, xmin);
                    break;
                case StateDelete d:
                    Delete(d, table);
                    break;
            }
        }
    }

    private void Set(StateWrite write, Dictionary<string, Row> table, string xmin)
    {
        var ttl = ParseTtl(write.Metadata);
        var etag = write.HasETag ? CheckETag(write.ETag!) : null;
        var expires = ttl > 0 ? Now.AddSeconds(ttl) : (DateTimeOffset?)null;
        var newETag = version == 1 ? xmin : Guid.NewGuid().ToString();
        table.TryGetValue(write.Key, out var current);

        if (etag is null)
        {
            // INSERT ... ON CONFLICT (key) DO UPDATE [WHERE the row expired, for first-write].
            if (current is not null && write.FirstWrite && !(current.ExpiresAt is { } at && at < Now))
            {
                throw StateStoreException.Other("no item was updated");
            }

            table[write.Key] = new Row(write.Value, newETag, expires);
            return;
        }

        // UPDATE ... WHERE key = $1 AND etag = $n AND the row has not expired.
        var live = current is not null && (current.ExpiresAt is not { } until || (version == 1 ? until > Now : until >= Now));
        if (!live || current!.ETag != etag)
        {
            throw StateStoreException.Mismatch();
        }

        table[write.Key] = new Row(write.Value, newETag, expires);
    }

    private void Delete(StateDelete delete, Dictionary<string, Row> table)
    {
        if (!delete.HasETag)
        {
            table.Remove(delete.Key);
            return;
        }

        var etag = CheckETag(delete.ETag!);
        if (!table.TryGetValue(delete.Key, out var current) || current.ETag != etag)
        {
            throw StateStoreException.Mismatch();
        }

        table.Remove(delete.Key);
    }

    // v1: strconv.ParseUint(etag, 10, 32), invalid -> ETagInvalid. v2: uuid.Parse, invalid -> ETagMismatch.
    private string CheckETag(string etag)
    {
        if (version == 1)
        {
            return GoStrconv.TryParseUint(etag, 32, out var xmin, out var error)
                ? xmin.ToString(CultureInfo.InvariantCulture)
                : throw StateStoreException.Invalid(error);
        }

        return Guid.TryParse(etag, out var uuid)
            ? uuid.ToString()
            : throw StateStoreException.Mismatch(etag.Length is 36 or 38 or 45 or 32 ? "invalid UUID format" : $"invalid UUID length: {etag.Length}");
    }

    // state/utils.ParseTTL: an integer from -1 to MaxInt32.
    private static long ParseTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var text) || text.Length == 0)
        {
            return 0;
        }

        if (!GoStrconv.TryParseInt(text, 64, "ParseInt", out var seconds, out var error))
        {
            throw StateStoreException.Other($"error parsing TTL: incorrect value for metadata 'ttlInSeconds': {error}");
        }

        return seconds is < -1 or > int.MaxValue
            ? throw StateStoreException.Other("error parsing TTL: incorrect value for metadata 'ttlInSeconds': must be -1 or greater")
            : seconds;
    }
}
