using System.Buffers;
using System.Text.Json;

namespace LogDapr.Contracts.Events;

/// <summary>Receives one run of events as the JSON array a message carries; the bytes are valid only during the call.</summary>
public delegate void LogEventRunHandler<TState>(TState state, ReadOnlySpan<byte> data, int first, int count);

/// <summary>
/// Cuts a list of events, in order, into runs whose LogEvent v1 JSON array fits a message: at most a number of events
/// and of bytes, halving a run until it fits (a run of one event always passes: events are bounded far below a
/// message). Ingest's published messages and the processor's processed messages are cut by this one rule.
/// </summary>
public static class LogEventRuns
{
    // A single event is ~200 bytes and a full message ~100 KB: a fresh buffer per call cost ingest a 64 KB array per
    // single-event request (320 MB/s at 5,000 requests/s). One buffer and writer per thread are reused instead; a buffer
    // grown past a huge message is let go.
    private const int MaxCachedBufferBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? cachedBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? cachedWriter;

    /// <summary>Calls <paramref name="onRun"/> for each run, in order; the runs cover every event exactly once.</summary>
    public static void Split<TState>(IReadOnlyList<LogEvent> events, int maxEvents, int maxDataBytes, TState state, LogEventRunHandler<TState> onRun)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(onRun);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var buffer = cachedBuffer ?? new ArrayBufferWriter<byte>(Math.Min(maxDataBytes, 16 * 1024));
        var writer = cachedWriter ?? new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        // Taken for the call: a handler that cuts other events on this thread gets buffers of its own.
        cachedBuffer = null;
        cachedWriter = null;
        try
        {
            var start = 0;
            while (start < events.Count)
            {
                var count = Math.Min(maxEvents, events.Count - start);
                var length = Serialize(events, start, count, buffer, writer);
                while (length > maxDataBytes && count > 1)
                {
                    count = (count + 1) / 2;
                    length = Serialize(events, start, count, buffer, writer);
                }

                onRun(state, buffer.WrittenSpan, start, count);
                start += count;
            }
        }
        finally
        {
            if (buffer.Capacity <= MaxCachedBufferBytes)
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                cachedBuffer = buffer;
                cachedWriter = writer;
            }
        }
    }

    private static int Serialize(IReadOnlyList<LogEvent> events, int start, int count, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        LogEventWriter.WriteBatch(writer, events, start, count);
        writer.Flush();
        return buffer.WrittenCount;
    }
}
