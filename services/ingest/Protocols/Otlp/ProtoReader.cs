using System.Buffers.Binary;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// Walks protobuf wire format over a span: tags, varints, fixed fields and length-delimited fields. Every read answers
/// false on bytes Google.Protobuf would refuse (truncated, over-long varints, invalid tags or wire types), so a caller
/// can hand such input to Google.Protobuf's parser and answer with its error.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public readonly bool End => position >= data.Length;

    /// <summary>The next field's tag: (field number &lt;&lt; 3) | wire type. False at a tag Google.Protobuf refuses (0, or over 32 bits).</summary>
    public bool TryTag(out uint tag)
    {
        tag = 0;
        if (!TryVarint(out var value) || value == 0 || value > uint.MaxValue || (value >> 3) == 0)
        {
            return false;
        }

        tag = (uint)value;
        return true;
    }

    public bool TryVarint(out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                return false;
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryFixed64(out ulong value)
    {
        value = 0;
        if (data.Length - position < 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(data[position..]);
        position += 8;
        return true;
    }

    public bool TryLengthDelimited(out ReadOnlySpan<byte> field)
    {
        field = default;
        if (!TryVarint(out var length) || length > int.MaxValue || (ulong)(data.Length - position) < length)
        {
            return false;
        }

        field = data.Slice(position, (int)length);
        position += (int)length;
        return true;
    }

    /// <summary>Skips an unknown field's value. Groups (wire types 3 and 4) are not skipped: false, as for invalid wire types.</summary>
    public bool TrySkip(uint tag)
    {
        switch ((int)(tag & 7))
        {
            case Varint:
                return TryVarint(out _);
            case Fixed64:
                return TryFixed64(out _);
            case LengthDelimited:
                return TryLengthDelimited(out _);
            case Fixed32:
                if (data.Length - position < 4)
                {
                    return false;
                }

                position += 4;
                return true;
            default:
                return false;
        }
    }

    public static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);
}
