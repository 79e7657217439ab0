using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// Appends little-endian payload primitives to a buffer writer (usually a <see cref="FrameBuffer"/>).
/// Arrays, strings and byte blocks carry an int32 length prefix that <see cref="WireReader"/> checks against limits.
/// </summary>
public ref struct WireWriter
{
    private readonly IBufferWriter<byte> _output;

    public WireWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written by this writer.</summary>
    public int Written { get; private set; }

    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        Advance(1);
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    /// <summary>Writes an int32 count followed by the floats.</summary>
    public void WriteSingles(ReadOnlySpan<float> values)
    {
        WriteInt32(values.Length);
        WriteRaw(values);
    }

    /// <summary>Writes floats without a count, for struct-of-arrays blocks whose length is written once elsewhere.</summary>
    public void WriteRaw(ReadOnlySpan<float> values)
    {
        int bytes = checked(values.Length * sizeof(float));
        var span = _output.GetSpan(bytes)[..bytes];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(span);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
        }
        Advance(bytes);
    }

    /// <summary>Writes an int32 count followed by the int32 values.</summary>
    public void WriteInt32s(ReadOnlySpan<int> values)
    {
        WriteInt32(values.Length);
        int bytes = checked(values.Length * sizeof(int));
        var span = _output.GetSpan(bytes)[..bytes];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(span);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteInt32LittleEndian(span[(i * 4)..], values[i]);
        }
        Advance(bytes);
    }

    /// <summary>Writes an int32 length followed by the bytes (e.g. a safetensors blob).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(_output.GetSpan(value.Length));
        Advance(value.Length);
    }

    /// <summary>Writes an int32 byte length followed by UTF-8.</summary>
    /// <exception cref="ArgumentException">The UTF-8 form is longer than <paramref name="maxBytes"/>.</exception>
    public void WriteString(string value, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > maxBytes)
            throw new ArgumentException($"String of {length} UTF-8 bytes exceeds the limit of {maxBytes}.", nameof(value));
        WriteInt32(length);
        Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        Advance(length);
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        Written += count;
    }
}
