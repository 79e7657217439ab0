using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace ActorTrainer.Cluster.Serialization;

/// <summary>
/// Reads what <see cref="PayloadWriter"/> wrote. Every read checks the bytes left and every length prefix against a
/// caller's limit, and throws <see cref="MalformedMessageException"/> naming the offset, never an index error.
/// </summary>
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    /// <summary>Bytes read so far: where the next field starts.</summary>
    public readonly int Position => _position;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean()
    {
        var b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new MalformedMessageException($"boolean byte {b} at offset {_position - 1}; only 0 or 1 is allowed"),
        };
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>An int32 that must lie in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public int ReadInt32(string what, int min, int max)
    {
        var at = _position;
        var value = ReadInt32();
        if (value < min || value > max)
            throw new MalformedMessageException($"{what} {value} at offset {at}; allowed {min}..{max}");
        return value;
    }

    /// <summary>An int64 that must not be negative.</summary>
    public long ReadCounter(string what)
    {
        var at = _position;
        var value = ReadInt64();
        if (value < 0) throw new MalformedMessageException($"{what} {value} at offset {at}; must not be negative");
        return value;
    }

    /// <summary>Fills <paramref name="destination"/> with floats written without a count.</summary>
    public void ReadRaw(Span<float> destination)
    {
        var bytes = Take(checked(destination.Length * sizeof(float)));
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with ints written without a count.</summary>
    public void ReadRaw(Span<int> destination)
    {
        var bytes = Take(checked(destination.Length * sizeof(int)));
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with longs written without a count.</summary>
    public void ReadRaw(Span<long> destination)
    {
        var bytes = Take(checked(destination.Length * sizeof(long)));
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
        }
    }

    /// <summary>A counted byte block of at most <paramref name="maxLength"/> bytes, as a slice of the payload (no copy).</summary>
    public ReadOnlySpan<byte> ReadBytes(string what, int maxLength) => Take(ReadInt32($"{what} length", 0, maxLength));

    /// <summary>A counted UTF-8 string of at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadString(string what, int maxBytes)
    {
        var bytes = ReadBytes(what, maxBytes);
        if (!Utf8.IsValid(bytes))
            throw new MalformedMessageException($"{what} at offset {_position - bytes.Length} is not valid UTF-8");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Throws unless at least <paramref name="count"/> bytes are left: called before arrays are sized from a header.</summary>
    public readonly void Require(long count, string what)
    {
        if (count > Remaining)
            throw new MalformedMessageException($"{what} needs {count} bytes at offset {_position}; the payload has {Remaining} left");
    }

    /// <summary>Call after the last field: a well-formed payload has nothing left over.</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
            throw new MalformedMessageException($"{Remaining} unread bytes after the last field at offset {_position}");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        Require(count, "a field");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
