using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>
/// Append-only, segmented journal with group commit. Producers enqueue records; one writer drains everything
/// queued, writes it with one write and one fsync, applies it to the state machine in order, and only then
/// completes the producers — so a publish is acknowledged only when it would survive a kill. Segments rotate at
/// a size limit; whole leading segments are deleted once nothing in them is live, and a leading segment that
/// is mostly dead has its live messages copied forward first, so the journal tracks the live data, not history.
/// </summary>
public sealed partial class Journal : IAsyncDisposable
{
    private const int MaxBatchRecords = 8192;
    private const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly string directory;
    private readonly long segmentBytes;
    private readonly bool fsync;
    private readonly IJournalStateMachine machine;
    private readonly ILogger logger;
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<JournalSegment> segments = [];
    private readonly object segmentsGate = new();
    private JournalSegment? active;
    private Task? writer;

    public Journal(string directory, long segmentBytes, bool fsync, IJournalStateMachine machine, ILogger logger)
    {
        this.directory = directory;
        this.segmentBytes = Math.Max(4096, segmentBytes);
        this.fsync = fsync;
        this.machine = machine;
        this.logger = logger;
    }

    private sealed record PendingWrite(JournalRecord Record, object? Tag, CancellationToken Cancel, TaskCompletionSource Done);

    public int SegmentCount
    {
        get
        {
            lock (segmentsGate)
            {
                return this.segments.Count;
            }
        }
    }

    public long TotalBytes
    {
        get
        {
            lock (segmentsGate)
            {
                return this.segments.Sum(s => s.Length);
            }
        }
    }

    /// <summary>Rebuilds state from the segments on disk (truncating a torn tail), then opens the active segment.</summary>
    public void Replay()
    {
        Directory.CreateDirectory(this.directory);
        var ids = Directory.EnumerateFiles(this.directory)
            .Select(Path.GetFileName)
            .Select(name => JournalSegment.TryParseId(name!, out var id) ? id : -1)
            .Where(id => id >= 0)
            .Order()
            .ToList();

        long records = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var segment = JournalSegment.Open(this.directory, ids[i], create: false);
            var data = new byte[segment.Length];
            RandomAccess.Read(segment.Handle, data, 0);
            var position = 0;
            while (position < data.Length && JournalCodec.TryRead(data.AsSpan(position), out var record, out var consumed, out var payloadOffset))
            {
                var location = record is PublishRecord p ? new RecordLocation(segment.Id, position + payloadOffset, p.Payload.Length) : default;
                this.machine.Apply(record!, location, null);
                position += consumed;
                records++;
            }

            if (position < data.Length)
            {
                if (i == ids.Count - 1)
                {
                    // A write that was in flight when the process died; its callers were never acknowledged.
                    this.logger.LogWarning("journal segment {Segment}: discarding {Bytes} bytes of incomplete tail", segment.Id, data.Length - position);
                    RandomAccess.SetLength(segment.Handle, position);
                    segment.Length = position;
                }
                else
                {
                    this.logger.LogError("journal segment {Segment}: corrupt record at offset {Offset}; the rest of this segment is ignored", segment.Id, position);
                }
            }

            this.segments.Add(segment);
        }

        if (this.segments.Count == 0)
        {
            this.active = JournalSegment.Open(this.directory, 0, create: true);
            this.segments.Add(this.active);
            WriteDirect(this.machine.SegmentHeader());
        }
        else
        {
            this.active = this.segments[^1];
        }

        this.logger.LogInformation("journal {Directory}: replayed {Records} records from {Segments} segment(s)", this.directory, records, ids.Count);
    }

    public void Start() => this.writer = Task.Run(RunAsync);

    /// <summary>
    /// Queues a record. The task completes after the record is durable and applied; it is cancelled, and the
    /// record never written, if <paramref name="cancel"/> fires before the writer picks it up.
    /// </summary>
    public Task Enqueue(JournalRecord record, object? tag = null, CancellationToken cancel = default)
    {
        var write = new PendingWrite(record, tag, cancel, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!this.queue.Writer.TryWrite(write))
        {
            this.machine.Abandon(record, tag);
            write.Done.TrySetException(new ObjectDisposedException(nameof(Journal), "the journal is shut down"));
        }

        return write.Done.Task;
    }

    /// <summary>Reads a payload back from disk (for messages whose payload is not kept in memory).</summary>
    public async ValueTask<byte[]> ReadPayloadAsync(RecordLocation location, CancellationToken cancellationToken)
    {
        JournalSegment? segment;
        lock (segmentsGate)
        {
            segment = this.segments.FirstOrDefault(s => s.Id == location.SegmentId);
        }

        if (segment is null || !segment.TryAcquire())
        {
            throw new IOException($"journal segment {location.SegmentId} is gone");
        }

        try
        {
            var buffer = new byte[location.PayloadLength];
            var read = await RandomAccess.ReadAsync(segment.Handle, buffer, location.PayloadOffset, cancellationToken).ConfigureAwait(false);
            return read == buffer.Length ? buffer : throw new IOException($"short read from journal segment {segment.Id}");
        }
        finally
        {
            segment.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        this.queue.Writer.TryComplete();
        if (this.writer is not null)
        {
            await this.writer.ConfigureAwait(false);
        }

        lock (segmentsGate)
        {
            foreach (var segment in this.segments)
            {
                segment.Close();
            }

            this.segments.Clear();
        }
    }
}
