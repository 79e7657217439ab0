using System.Buffers.Binary;
using System.Text;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// The versioned header in front of every cluster frame. Layout (little-endian):
/// <code>
/// 0  4  magic "ATFR"
/// 4  1  protocol version (1)
/// 5  1  flags (none defined in v1)
/// 6  2  message type id
/// 8  4  payload length in bytes
/// 12 1  sender node id length n (1..64)
/// 13 n  sender node id, UTF-8
/// 13+n  payload
/// </code>
/// </summary>
public readonly record struct FrameHeader(byte Version, FrameFlags Flags, ushort MessageType, int PayloadLength, string SenderNodeId)
{
    public const uint Magic = 0x52465441; // "ATFR" read as little-endian uint32
    public const byte CurrentVersion = 1;
    public const int FixedSize = 13;
    public const int MaxSenderBytes = 64;

    /// <summary>Header size for a given sender, i.e. the offset of the payload.</summary>
    public static int SizeFor(string senderNodeId) => FixedSize + Encoding.UTF8.GetByteCount(senderNodeId);

    public int Size => SizeFor(SenderNodeId);

    /// <summary>Writes the header into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The sender id is too long or the destination too small.</exception>
    public static int Write(Span<byte> destination, ushort messageType, int payloadLength, string senderNodeId, FrameFlags flags = FrameFlags.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(senderNodeId);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        int senderBytes = Encoding.UTF8.GetByteCount(senderNodeId);
        if (senderBytes > MaxSenderBytes)
            throw new ArgumentException($"Sender node id '{senderNodeId}' is {senderBytes} UTF-8 bytes; at most {MaxSenderBytes} are allowed.", nameof(senderNodeId));
        int size = FixedSize + senderBytes;
        if (destination.Length < size)
            throw new ArgumentException($"Destination has {destination.Length} bytes; the header needs {size}.", nameof(destination));

        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = CurrentVersion;
        destination[5] = (byte)flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], messageType);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], payloadLength);
        destination[12] = (byte)senderBytes;
        Encoding.UTF8.GetBytes(senderNodeId, destination.Slice(FixedSize, senderBytes));
        return size;
    }
}
