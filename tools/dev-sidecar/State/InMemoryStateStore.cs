using System.Globalization;
using Grpc.Core;
using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// The embedded state store that serves any <c>state.*</c> component. Semantics follow Dapr's own
/// <c>state.in-memory</c> component: every write gets a new ETag; a write or delete with a non-empty ETag must
/// match the current one; first-write without an ETag fails when the key exists; ttlInSeconds makes a key
/// invisible once expired. Conflicts raise daprd's "possible etag mismatch" error (gRPC ABORTED, which the
/// SDK's TrySaveStateAsync turns into false). One lock per store keeps check-and-set atomic.
/// </summary>
public sealed class InMemoryStateStore(string name, Func<DateTimeOffset>? clock = null)
{
    private readonly Dictionary<string, StateEntry> _entries = new(StringComparer.Ordinal);
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);
    private readonly object _gate = new();
    private long _version;

    public string Name { get; } = name;

    public StateEntry? Get(string key)
    {
        lock (_gate)
        {
            return Visible(key);
        }
    }

    /// <summary>Applies writes in order; stops at the first failure (earlier writes stay, as daprd's non-transactional bulk save).</summary>
    public void Save(IReadOnlyList<StateWrite> writes)
    {
        foreach (var write in writes)
        {
            var ttl = ParseTtl(write.Metadata);
            lock (_gate)
            {
                Check(write.Key, write.ETag, write.FirstWrite, "failed saving state in state store " + Name);
                _entries[write.Key] = NewEntry(write.Value, ttl);
            }
        }
    }

    public void Delete(StateDelete delete)
    {
        lock (_gate)
        {
            Check(delete.Key, delete.ETag, delete.FirstWrite, $"failed deleting state with key {delete.Key}");
            _entries.Remove(delete.Key);
        }
    }

    /// <summary>All-or-nothing: validates every operation against the state as it evolves, then commits.</summary>
    public void Transact(IReadOnlyList<object> operations)
    {
        lock (_gate)
        {
            var staged = new Dictionary<string, StateEntry?>(StringComparer.Ordinal);
            StateEntry? Current(string key) => staged.TryGetValue(key, out var s) ? s : Visible(key);
            foreach (var op in operations)
            {
                switch (op)
                {
                    case StateWrite w:
                        CheckAgainst(Current(w.Key), w.Key, w.ETag, w.FirstWrite, "error while executing state transaction");
                        staged[w.Key] = NewEntry(w.Value, ParseTtl(w.Metadata));
                        break;
                    case StateDelete d:
                        CheckAgainst(Current(d.Key), d.Key, d.ETag, d.FirstWrite, "error while executing state transaction");
                        staged[d.Key] = null;
                        break;
                }
            }

            foreach (var (key, entry) in staged)
            {
                if (entry is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = entry;
                }
            }
        }
    }

    private StateEntry NewEntry(byte[] value, TimeSpan? ttl) =>
        new(value, (++_version).ToString(CultureInfo.InvariantCulture), ttl is { } t ? _clock() + t : null);

    private StateEntry? Visible(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.IsExpired(_clock()))
        {
            _entries.Remove(key);
            return null;
        }

        return entry;
    }

    private void Check(string key, string? etag, bool firstWrite, string context) =>
        CheckAgainst(Visible(key), key, etag, firstWrite, context);

    private static void CheckAgainst(StateEntry? current, string key, string? etag, bool firstWrite, string context)
    {
        var hasETag = !string.IsNullOrEmpty(etag);
        string? problem = null;
        if (!hasETag && firstWrite && current is not null)
        {
            problem = "item already exists and no etag was passed";
        }
        else if (hasETag && current is null)
        {
            problem = $"state not exist or expired for key={key}";
        }
        else if (hasETag && current!.ETag != etag)
        {
            problem = $"state etag not match for key={key}: current={current.ETag}, expect={etag}";
        }

        if (problem is not null)
        {
            throw new DaprApiException(StatusCode.Aborted, 409, "ERR_STATE_SAVE",
                $"{context}: possible etag mismatch. error from state store: {problem}");
        }
    }

    private static TimeSpan? ParseTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_STATE_SAVE",
                $"ttlInSeconds value must be a valid integer: actual is '{text}'");
        }

        // Dapr: -1 means "never expire"; 0 and positive values set the TTL.
        return seconds < 0 ? null : TimeSpan.FromSeconds(seconds);
    }
}
