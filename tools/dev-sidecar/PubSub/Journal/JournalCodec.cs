using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>
/// Binary framing: <c>[int32 body length][uint32 CRC-32 (IEEE, ISO-HDLC) of body][body]</c>, body = <c>[type byte][fields]</c>, little-endian,
/// strings as int32 length + UTF-8. A publish puts its payload last so its file offset is known without parsing.
/// </summary>
public static class JournalCodec
{
    public const int FrameHeaderSize = 8;
    private const byte CheckpointType = 1, PublishType = 2, AckType = 3, SubscribeType = 4, UnsubscribeType = 5;

    /// <summary>Appends one framed record; returns the payload's offset within the appended bytes (or -1).</summary>
    public static long Write(ArrayBufferWriter<byte> output, JournalRecord record)
    {
        var frameStart = output.WrittenCount;
        output.GetSpan(FrameHeaderSize);
        output.Advance(FrameHeaderSize);
        var bodyStart = output.WrittenCount;
        long payloadOffset = -1;
        switch (record)
        {
            case CheckpointRecord c:
                WriteByte(output, CheckpointType);
                WriteInt64(output, c.NextSeq);
                break;
            case PublishRecord p:
                WriteByte(output, PublishType);
                WriteInt64(output, p.Seq);
                WriteString(output, p.PubSub);
                WriteString(output, p.Topic);
                WriteByte(output, (byte)p.Flags);
                WriteInt32(output, p.PendingFor is null ? -1 : p.PendingFor.Count);
                foreach (var id in p.PendingFor ?? [])
                {
                    WriteString(output, id);
                }

                WriteInt32(output, p.Payload.Length);
                payloadOffset = output.WrittenCount;
                output.Write(p.Payload.Span);
                break;
            case AckRecord a:
                WriteByte(output, AckType);
                WriteString(output, a.SubscriptionId);
                WriteByte(output, (byte)a.Outcome);
                WriteInt32(output, a.Seqs.Count);
                foreach (var seq in a.Seqs)
                {
                    WriteInt64(output, seq);
                }

                break;
            case SubscribeRecord s:
                WriteByte(output, SubscribeType);
                WriteString(output, s.SubscriptionId);
                WriteString(output, s.AppId);
                WriteByte(output, (byte)s.Kind);
                WriteString(output, s.SpecJson);
                break;
            case UnsubscribeRecord u:
                WriteByte(output, UnsubscribeType);
                WriteString(output, u.SubscriptionId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown journal record");
        }

        var bodyLength = output.WrittenCount - bodyStart;
        var written = output.WrittenMemory.Span;

        // ArrayBufferWriter exposes only written memory read-only; the header slot is rewritten through the array.
        var header = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(frameStart, FrameHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header, bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(written.Slice(bodyStart, bodyLength)));
        return payloadOffset;
    }

    /// <summary>
    /// Reads one frame at the start of <paramref name="data"/>. Returns false for a truncated or corrupt frame
    /// (a torn tail write), with <paramref name="consumed"/> = 0.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out JournalRecord? record, out int consumed, out int payloadOffsetInFrame)
    {
        record = null;
        consumed = 0;
        payloadOffsetInFrame = -1;
        if (data.Length < FrameHeaderSize)
        {
            return false;
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (bodyLength <= 0 || bodyLength > data.Length - FrameHeaderSize)
        {
            return false;
        }

        var body = data.Slice(FrameHeaderSize, bodyLength);
        if (Crc32.HashToUInt32(body) != crc)
        {
            return false;
        }

        var reader = new SpanReader(body);
        try
        {
            switch (reader.Byte())
            {
                case CheckpointType:
                    record = new CheckpointRecord(reader.Int64());
                    break;
                case PublishType:
                    var seq = reader.Int64();
                    var pubsub = reader.String();
                    var topic = reader.String();
                    var flags = (MessageFlags)reader.Byte();
                    var pendingCount = reader.Int32();
                    List<string>? pending = null;
                    if (pendingCount >= 0)
                    {
                        pending = new List<string>(pendingCount);
                        for (var i = 0; i < pendingCount; i++)
                        {
                            pending.Add(reader.String());
                        }
                    }

                    var payloadLength = reader.Int32();
                    payloadOffsetInFrame = FrameHeaderSize + reader.Position;
                    record = new PublishRecord(seq, pubsub, topic, flags, pending, reader.Bytes(payloadLength).ToArray());
                    break;
                case AckType:
                    var subscription = reader.String();
                    var outcome = (AckOutcome)reader.Byte();
                    var count = reader.Int32();
                    var seqs = new long[count];
                    for (var i = 0; i < count; i++)
                    {
                        seqs[i] = reader.Int64();
                    }

                    record = new AckRecord(subscription, outcome, seqs);
                    break;
                case SubscribeType:
                    record = new SubscribeRecord(reader.String(), reader.String(), (SubscriptionKind)reader.Byte(), reader.String());
                    break;
                case UnsubscribeType:
                    record = new UnsubscribeRecord(reader.String());
                    break;
                default:
                    return false;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        consumed = FrameHeaderSize + bodyLength;
        return true;
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(output, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;

        public int Position { get; private set; }

        public byte Byte() => this.data[Position++];

        public int Int32()
        {
            var v = BinaryPrimitives.ReadInt32LittleEndian(this.data.Slice(Position, 4));
            Position += 4;
            return v;
        }

        public long Int64()
        {
            var v = BinaryPrimitives.ReadInt64LittleEndian(this.data.Slice(Position, 8));
            Position += 8;
            return v;
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            var span = this.data.Slice(Position, length);
            Position += length;
            return span;
        }

        public string String() => Encoding.UTF8.GetString(Bytes(Int32()));
    }
}
