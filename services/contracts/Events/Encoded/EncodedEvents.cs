using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LogDapr.Contracts.Events.Encoded;

/// <summary>
/// Accepted events as the LogEvent v1 JSON objects a message carries (<see cref="LogEventWriter"/>'s bytes for the same
/// events), back to back in one pooled buffer, with what ingest decides by besides the bytes: each event's tenant and id.
/// Ingest reads a request into this form (<see cref="LogEventReader.Encode"/>) and cuts its messages from it, so an
/// event is never an object of its own between the request body and the published message. Not thread-safe.
/// </summary>
/// <remarks>
/// The owner (the instance a read or <see cref="From"/> returned) gives the buffers back on <see cref="Dispose"/>; a
/// <see cref="Subset"/> shares them and must not be used after its owner is disposed.
/// </remarks>
public sealed class EncodedEvents : IDisposable
{
    // `{"events":[` and `]}` around a run of events, as LogEventWriter.WriteBatch writes them.
    private static ReadOnlySpan<byte> BatchStart => "{\"events\":["u8;
    private static ReadOnlySpan<byte> BatchEnd => "]}"u8;

    private readonly PooledBuffer json;
    private readonly PooledBuffer ids;
    private readonly bool owner;
    // Tenants by index: an entry holds no reference, so the entries copy and clear as plain bytes.
    private readonly List<string> tenants;
    private Dictionary<string, int>? tenantIndexes;
    private Entry[] entries;
    private Utf8JsonWriter? writer;
    private Entry pending;
    private bool hasPending;

    /// <param name="capacity">Events expected.</param>
    /// <param name="bytes">Bytes of JSON expected: a buffer that grows copies what it holds, each time.</param>
    internal EncodedEvents(int capacity = 4, int bytes = 1024)
    {
        json = new PooledBuffer(bytes);
        ids = new PooledBuffer(256);
        tenants = [];
        // Rented like the bytes: a 500-event request would otherwise grow its list of entries through nine arrays.
        entries = ArrayPool<Entry>.Shared.Rent(Math.Max(capacity, 16));
        owner = true;
    }

    private EncodedEvents(EncodedEvents source, Entry[] entries)
    {
        json = source.json;
        ids = source.ids;
        tenants = source.tenants;
        this.entries = entries;
        Count = entries.Length;
    }

    /// <summary>An empty set that owns nothing (disposing it does nothing).</summary>
    internal static EncodedEvents NoEvents() => new EncodedEvents(1).Subset([]);

    public int Count { get; private set; }

    public string TenantId(int index) => tenants[At(index).Tenant];

    /// <summary>True when the payload carried no id and the reader made one.</summary>
    public bool IdGenerated(int index) => At(index).IdGenerated;

    /// <summary>The event's id as UTF-8 (unescaped); empty for a generated id, which no caller needs again.</summary>
    public ReadOnlySpan<byte> Id(int index)
    {
        var entry = At(index);
        return ids.Slice(entry.IdStart, entry.IdLength);
    }

    /// <summary>The event's LogEvent v1 JSON object.</summary>
    public ReadOnlySpan<byte> Json(int index)
    {
        var entry = At(index);
        return json.Slice(entry.Start, entry.Length);
    }

    /// <summary>The events at <paramref name="indexes"/>, in that order, sharing this set's bytes.</summary>
    public EncodedEvents Subset(ReadOnlySpan<int> indexes)
    {
        var chosen = new Entry[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            chosen[i] = At(indexes[i]);
        }

        return new EncodedEvents(this, chosen);
    }

    /// <summary>Events that are already objects (a protocol's decoder built them), written as <see cref="LogEventWriter"/> writes them.</summary>
    public static EncodedEvents From(IReadOnlyList<LogEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var encoded = new EncodedEvents(events.Count);
        Span<byte> id = stackalloc byte[256];
        foreach (var logEvent in events)
        {
            LogEventWriter.WriteEvent(encoded.BeginEvent(), logEvent);
            if (logEvent.IdGenerated)
            {
                encoded.EndEvent(logEvent.TenantId, idGenerated: true, default);
            }
            else
            {
                var bytes = Encoding.UTF8.GetMaxByteCount(logEvent.Id.Length) <= id.Length ? id : new byte[Encoding.UTF8.GetByteCount(logEvent.Id)];
                encoded.EndEvent(logEvent.TenantId, idGenerated: false, bytes[..Encoding.UTF8.GetBytes(logEvent.Id, bytes)]);
            }

            encoded.Commit();
        }

        return encoded;
    }

    /// <summary>
    /// Cuts the events, in order, into runs whose <c>{"events":[...]}</c> fits a message, by <see cref="LogEventRuns"/>'
    /// rule (at most <paramref name="maxEvents"/> events and <paramref name="maxDataBytes"/> bytes, halving a run until
    /// it fits), so the runs and their bytes are those of the same events as objects.
    /// </summary>
    public void Split<TState>(int maxEvents, int maxDataBytes, TState state, LogEventRunHandler<TState> onRun)
    {
        ArgumentNullException.ThrowIfNull(onRun);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        using var data = new PooledBuffer(Math.Min(maxDataBytes, json.Length) + BatchStart.Length + BatchEnd.Length + Count);
        var start = 0;
        while (start < Count)
        {
            var count = Math.Min(maxEvents, Count - start);
            var length = RunLength(start, count);
            while (length > maxDataBytes && count > 1)
            {
                count = (count + 1) / 2;
                length = RunLength(start, count);
            }

            data.Truncate(0);
            data.Add(BatchStart);
            for (var i = start; i < start + count; i++)
            {
                if (i > start)
                {
                    data.Add(","u8);
                }

                data.Add(Json(i));
            }

            data.Add(BatchEnd);
            onRun(state, data.Slice(0, data.Length), start, count);
            start += count;
        }
    }

    public void Dispose()
    {
        if (owner)
        {
            writer?.Dispose();
            json.Dispose();
            ids.Dispose();
            if (entries.Length > 0)
            {
                ArrayPool<Entry>.Shared.Return(entries);
                entries = [];
            }
            Count = 0;
        }
    }

    /// <summary>Starts the next event: the writer appends its object (a previous event not committed is forgotten).</summary>
    internal Utf8JsonWriter BeginEvent()
    {
        hasPending = false;
        json.Truncate(Count == 0 ? 0 : entries[Count - 1].Start + entries[Count - 1].Length);
        ids.Truncate(Count == 0 ? 0 : entries[Count - 1].IdStart + entries[Count - 1].IdLength);
        if (writer is null)
        {
            // The options LogEventRuns writes messages with, so the bytes are the same.
            writer = new Utf8JsonWriter(json, new JsonWriterOptions { SkipValidation = true });
        }
        else
        {
            writer.Reset(json);
        }

        return writer;
    }

    /// <summary>Ends the event <see cref="BeginEvent"/> started; it becomes one of the set only at <see cref="Commit"/>.</summary>
    internal void EndEvent(string tenantId, bool idGenerated, ReadOnlySpan<byte> id)
    {
        var start = Count == 0 ? 0 : entries[Count - 1].Start + entries[Count - 1].Length;
        writer!.Flush();
        pending = new Entry(start, json.Length - start, TenantIndex(tenantId), idGenerated, ids.Add(id), id.Length);
        hasPending = true;
    }

    /// <summary>Keeps the event last ended (the reader found nothing after it that rejects it).</summary>
    internal void Commit()
    {
        if (!hasPending)
        {
            throw new InvalidOperationException("no event was ended since the last commit");
        }

        if (Count == entries.Length)
        {
            var grown = ArrayPool<Entry>.Shared.Rent(entries.Length * 2);
            entries.AsSpan(0, Count).CopyTo(grown);
            ArrayPool<Entry>.Shared.Return(entries);
            entries = grown;
        }

        entries[Count++] = pending;
        hasPending = false;
    }

    private int TenantIndex(string tenantId)
    {
        // Most payloads name one tenant or a handful; the reader hands the same string for the same tenant.
        if (tenantIndexes is null)
        {
            for (var i = tenants.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(tenants[i], tenantId) || string.Equals(tenants[i], tenantId, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            if (tenants.Count < 8)
            {
                tenants.Add(tenantId);
                return tenants.Count - 1;
            }

            tenantIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < tenants.Count; i++)
            {
                tenantIndexes[tenants[i]] = i;
            }
        }

        if (!tenantIndexes.TryGetValue(tenantId, out var index))
        {
            index = tenants.Count;
            tenants.Add(tenantId);
            tenantIndexes[tenantId] = index;
        }

        return index;
    }

    private int RunLength(int start, int count)
    {
        var bytes = BatchStart.Length + BatchEnd.Length + count - 1;
        for (var i = start; i < start + count; i++)
        {
            bytes += entries[i].Length;
        }

        return bytes;
    }

    private ref readonly Entry At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return ref entries[index];
    }

    private readonly record struct Entry(int Start, int Length, int Tenant, bool IdGenerated, int IdStart, int IdLength);
}
