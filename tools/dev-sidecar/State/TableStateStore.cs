namespace LogDapr.DevSidecar.State;

/// <summary>
/// The table every emulated store keeps: one row per (prefixed) key with its value, ETag, expiry and, for Redis,
/// the first-write marker. One lock per store makes each component operation atomic, as a Lua script or a SQL
/// statement is. Subclasses implement the component type's rules.
/// </summary>
public abstract class TableStateStore(string name, Func<DateTimeOffset>? clock) : IStateStore
{
    private readonly Func<DateTimeOffset> clock = clock ?? (() => DateTimeOffset.UtcNow);

    public string Name { get; } = name;

    public abstract string Model { get; }

    public abstract IReadOnlyList<string> Capabilities { get; }

    protected Dictionary<string, Row> Rows { get; } = new(StringComparer.Ordinal);

    protected object Gate { get; } = new();

    protected DateTimeOffset Now => this.clock();

    public StateItem? Get(string key)
    {
        lock (Gate)
        {
            return Read(key);
        }
    }

    public void Set(StateWrite write)
    {
        lock (Gate)
        {
            Write(write);
        }
    }

    public void Delete(StateDelete delete)
    {
        lock (Gate)
        {
            Remove(delete);
        }
    }

    public void Multi(IReadOnlyList<object> operations)
    {
        lock (Gate)
        {
            Transact(operations);
        }
    }

    /// <summary>The key's row unless it has expired; an expired row is removed, as the stores do lazily.</summary>
    protected Row? Live(string key)
    {
        if (!Rows.TryGetValue(key, out var row))
        {
            return null;
        }

        if (row.ExpiredAt(Now))
        {
            Rows.Remove(key);
            return null;
        }

        return row;
    }

    protected abstract StateItem? Read(string key);

    protected abstract void Write(StateWrite write);

    protected abstract void Remove(StateDelete delete);

    protected abstract void Transact(IReadOnlyList<object> operations);

    /// <summary>A stored key. <see cref="ExpiresAt"/> null means no TTL.</summary>
    protected sealed record Row(byte[] Value, string ETag, DateTimeOffset? ExpiresAt, bool FirstWriteMarker = false)
    {
        public bool ExpiredAt(DateTimeOffset now) => ExpiresAt is { } at && at <= now;
    }
}
