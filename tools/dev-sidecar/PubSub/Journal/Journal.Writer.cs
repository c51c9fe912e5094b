using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>
/// The journal's single writer: group commits (one write and fsync per batch, then every caller in it
/// acknowledged), torn-write truncation, and segment rotation with compaction.
/// </summary>
public sealed partial class Journal
{
    private async Task RunAsync()
    {
        var reader = this.queue.Reader;
        var batch = new List<PendingWrite>();
        var offsets = new List<long>();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            offsets.Clear();
            buffer.ResetWrittenCount();
            while (batch.Count < MaxBatchRecords && buffer.WrittenCount < MaxBatchBytes && reader.TryRead(out var write))
            {
                if (write.Cancel.IsCancellationRequested)
                {
                    this.machine.Abandon(write.Record, write.Tag);
                    write.Done.TrySetCanceled(write.Cancel);
                    continue;
                }

                offsets.Add(JournalCodec.Write(buffer, write.Record));
                batch.Add(write);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var segment = this.active!;
            var start = segment.Length;
            try
            {
                WriteAndSync(segment, buffer.WrittenSpan);
            }
            catch (Exception ex)
            {
                this.logger.LogError(ex, "journal write failed; {Count} record(s) rejected", batch.Count);
                TryTruncate(segment, start);
                foreach (var write in batch)
                {
                    this.machine.Abandon(write.Record, write.Tag);
                    write.Done.TrySetException(new IOException("journal write failed: " + ex.Message, ex));
                }

                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var location = batch[i].Record is PublishRecord p ? new RecordLocation(segment.Id, start + offsets[i], p.Payload.Length) : default;
                try
                {
                    this.machine.Apply(batch[i].Record, location, batch[i].Tag);
                }
                catch (Exception ex)
                {
                    this.logger.LogError(ex, "applying a journal record failed");
                }
            }

            foreach (var write in batch)
            {
                write.Done.TrySetResult();
            }

            if (segment.Length >= this.segmentBytes)
            {
                try
                {
                    RotateAndCompact();
                }
                catch (Exception ex)
                {
                    this.logger.LogError(ex, "journal rotation/compaction failed; will retry at the next rotation");
                }
            }
        }
    }

    private void WriteAndSync(JournalSegment segment, ReadOnlySpan<byte> data)
    {
        RandomAccess.Write(segment.Handle, data, segment.Length);
        if (this.fsync)
        {
            RandomAccess.FlushToDisk(segment.Handle);
        }

        segment.Length += data.Length;
    }

    private static void TryTruncate(JournalSegment segment, long length)
    {
        try
        {
            RandomAccess.SetLength(segment.Handle, length);
            segment.Length = length;
        }
        catch (IOException)
        {
            // The next successful write overwrites from segment.Length anyway.
        }
    }

    /// <summary>Writes records outside the queue (headers, relocations); only called on the writer thread or before it starts.</summary>
    private void WriteDirect(IReadOnlyList<JournalRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        var offsets = records.Select(r => JournalCodec.Write(buffer, r)).ToList();
        var segment = this.active!;
        var start = segment.Length;
        WriteAndSync(segment, buffer.WrittenSpan);
        for (var i = 0; i < records.Count; i++)
        {
            var location = records[i] is PublishRecord p ? new RecordLocation(segment.Id, start + offsets[i], p.Payload.Length) : default;
            this.machine.Apply(records[i], location, null);
        }
    }

    private void RotateAndCompact()
    {
        var next = JournalSegment.Open(this.directory, this.active!.Id + 1, create: true);
        lock (segmentsGate)
        {
            this.segments.Add(next);
        }

        this.active = next;
        WriteDirect(this.machine.SegmentHeader());

        while (true)
        {
            JournalSegment oldest;
            lock (segmentsGate)
            {
                if (this.segments.Count < 2)
                {
                    return;
                }

                oldest = this.segments[0];
            }

            var (count, bytes) = this.machine.LiveIn(oldest.Id);
            if (count > 0)
            {
                if (bytes * 2 > oldest.Length)
                {
                    // Mostly live: copying it forward would just rewrite the backlog. Keep it.
                    return;
                }

                var relocations = new List<JournalRecord>();
                foreach (var (record, location) in this.machine.RelocationCandidates(oldest.Id))
                {
                    var payload = new byte[location.PayloadLength];
                    RandomAccess.Read(oldest.Handle, payload, location.PayloadOffset);
                    relocations.Add(record with { Payload = payload });
                }

                WriteDirect(relocations);
                this.logger.LogDebug("journal: relocated {Count} live message(s) out of segment {Segment}", relocations.Count, oldest.Id);
            }

            lock (segmentsGate)
            {
                this.segments.RemoveAt(0);
            }

            oldest.Delete();
            this.logger.LogDebug("journal: deleted segment {Segment}", oldest.Id);
        }
    }
}
