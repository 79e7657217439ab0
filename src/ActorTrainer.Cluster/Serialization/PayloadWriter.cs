using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorTrainer.Cluster.Serialization;

/// <summary>
/// Writes little-endian fields into a buffer the caller sized exactly (<see cref="ActorTrainerSerializer"/> computes the
/// length first, so each message costs one array: the one Akka's <c>ToBinary</c> must return).
/// </summary>
public ref struct PayloadWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public PayloadWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    /// <summary>Bytes a counted UTF-8 string takes.</summary>
    public static int StringSize(string value) => 4 + Encoding.UTF8.GetByteCount(value);

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    /// <summary>Floats without a count: struct-of-arrays blocks whose length is written once in the header.</summary>
    public void WriteRaw(ReadOnlySpan<float> values)
    {
        var target = _buffer.Slice(_position, values.Length * sizeof(float));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(target[(i * 4)..], values[i]);
        }
        _position += target.Length;
    }

    /// <summary>Ints without a count (see <see cref="WriteRaw(ReadOnlySpan{float})"/>).</summary>
    public void WriteRaw(ReadOnlySpan<int> values)
    {
        var target = _buffer.Slice(_position, values.Length * sizeof(int));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(target[(i * 4)..], values[i]);
        }
        _position += target.Length;
    }

    /// <summary>Longs without a count (see <see cref="WriteRaw(ReadOnlySpan{float})"/>).</summary>
    public void WriteRaw(ReadOnlySpan<long> values)
    {
        var target = _buffer.Slice(_position, values.Length * sizeof(long));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(target[(i * 8)..], values[i]);
        }
        _position += target.Length;
    }

    /// <summary>An int32 length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>An int32 byte length, then UTF-8.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetBytes(value, _buffer[(_position + 4)..]);
        WriteInt32(length);
        _position += length;
    }
}
