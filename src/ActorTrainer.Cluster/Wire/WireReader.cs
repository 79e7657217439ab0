using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Every read checks the remaining length and every length prefix
/// against a caller limit; any violation throws <see cref="MalformedFrameException"/>, never an index error.
/// </summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean()
    {
        byte b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new MalformedFrameException($"Boolean byte {b} at offset {_position - 1}; only 0 or 1 is allowed."),
        };
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Reads a length prefix and checks it is within 0..<paramref name="maxCount"/>.</summary>
    public int ReadCount(int maxCount)
    {
        int at = _position;
        int count = ReadInt32();
        if (count < 0 || count > maxCount)
            throw new MalformedFrameException($"Length prefix {count} at offset {at}; allowed 0..{maxCount}.");
        return count;
    }

    /// <summary>Reads a counted float array into the caller's buffer (no allocation); returns the count.</summary>
    public int ReadSingles(Span<float> destination)
    {
        int count = ReadCount(destination.Length);
        ReadRaw(destination[..count]);
        return count;
    }

    /// <summary>Fills <paramref name="destination"/> exactly with floats written by <see cref="WireWriter.WriteRaw"/>.</summary>
    public void ReadRaw(Span<float> destination)
    {
        var bytes = Take(checked(destination.Length * sizeof(float)));
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            for (int i = 0; i < destination.Length; i++)
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }
    }

    /// <summary>Allocating form for cold paths: a counted float array of at most <paramref name="maxCount"/> elements.</summary>
    public float[] ReadSingleArray(int maxCount)
    {
        int count = ReadCount(maxCount);
        EnsureAvailable(checked(count * sizeof(float)));
        var result = new float[count];
        ReadRaw(result);
        return result;
    }

    /// <summary>Reads a counted int32 array into the caller's buffer; returns the count.</summary>
    public int ReadInt32s(Span<int> destination)
    {
        int count = ReadCount(destination.Length);
        var bytes = Take(checked(count * sizeof(int)));
        var target = destination[..count];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(target));
        }
        else
        {
            for (int i = 0; i < count; i++)
                target[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }
        return count;
    }

    /// <summary>A counted byte block as a slice of the frame (no copy), at most <paramref name="maxLength"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int maxLength) => Take(ReadCount(maxLength));

    /// <summary>A counted UTF-8 string of at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadString(int maxBytes)
    {
        var bytes = Take(ReadCount(maxBytes));
        if (!Utf8.IsValid(bytes))
            throw new MalformedFrameException($"String at offset {_position - bytes.Length} is not valid UTF-8.");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Call after the last field: a well-formed payload has nothing left over.</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
            throw new MalformedFrameException($"{Remaining} unread bytes after the last field at offset {_position}.");
    }

    private readonly void EnsureAvailable(int count)
    {
        if (count > Remaining)
            throw new MalformedFrameException($"Read of {count} bytes at offset {_position} overruns the payload ({Remaining} bytes left).");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        EnsureAvailable(count);
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
