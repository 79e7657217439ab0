using System.Buffers.Binary;
using System.Text;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Streaming;

/// <summary>
/// The binary WebSocket layout of a <see cref="VisualFrame"/>, all little-endian:
/// <code>
/// offset size
///  0     4   magic "ATVF"
///  4     1   version = 1
///  5     1   kind: 0 = float32 state, 1 = byte cells
///  6     2   E = UTF-8 byte length of the env id
///  8     4   runner id (int32)
/// 12     8   sequence (int64)
/// 20     2   width  (cells; 0 for state)
/// 22     2   height (cells; 0 for state)
/// 24     4   N = number of payload items
/// 28     E   env id (UTF-8)
/// 28+E   ..  payload: N float32 (state) or N bytes (cells)
/// </code>
/// </summary>
public static class FrameCodec
{
    public const int HeaderSize = 28;
    public const byte Version = 1;
    public const byte KindState = 0;
    public const byte KindCells = 1;
    public static ReadOnlySpan<byte> Magic => "ATVF"u8;

    public static int SizeOf(VisualFrame frame) =>
        HeaderSize + Encoding.UTF8.GetByteCount(frame.Env) + (frame.State is { } s ? s.Length * sizeof(float) : frame.Cells!.Length);

    /// <summary>Writes <paramref name="frame"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(VisualFrame frame, Span<byte> destination)
    {
        var envLength = Encoding.UTF8.GetBytes(frame.Env, destination[HeaderSize..]);
        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = frame.State is null ? KindCells : KindState;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], checked((ushort)envLength));
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], frame.RunnerId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], frame.Sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], (ushort)frame.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)frame.Height);
        var payload = destination[(HeaderSize + envLength)..];
        if (frame.State is { } state)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[24..], state.Length);
            for (var i = 0; i < state.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(payload[(i * 4)..], state[i]);
            return HeaderSize + envLength + state.Length * 4;
        }
        var cells = frame.Cells!;
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], cells.Length);
        cells.CopyTo(payload);
        return HeaderSize + envLength + cells.Length;
    }

    /// <summary>Reads a frame written by <see cref="Write"/>; throws <see cref="FormatException"/> on anything else.</summary>
    public static VisualFrame Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || !data[..4].SequenceEqual(Magic))
            throw new FormatException($"not a visual frame: {data.Length} bytes without the ATVF header");
        if (data[4] != Version) throw new FormatException($"visual frame version {data[4]} is not supported (expected {Version})");
        var kind = data[5];
        int envLength = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        var runner = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[22..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[24..]);
        var itemSize = kind == KindState ? 4 : 1;
        if (kind > KindCells || count < 0 || data.Length != HeaderSize + envLength + (long)count * itemSize)
            throw new FormatException($"visual frame sizes do not add up: kind {kind}, env {envLength} bytes, {count} items, {data.Length} bytes total");
        var env = Encoding.UTF8.GetString(data.Slice(HeaderSize, envLength));
        var payload = data[(HeaderSize + envLength)..];
        if (kind == KindCells) return VisualFrame.FromCells(env, runner, sequence, payload.ToArray(), width, height);
        var state = new float[count];
        for (var i = 0; i < count; i++) state[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * 4)..]);
        return VisualFrame.FromState(env, runner, sequence, state);
    }
}
