using System.Buffers;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// A reusable, growable buffer that builds one frame at a time: <see cref="Begin"/> reserves the header,
/// a <see cref="WireWriter"/> appends the payload, <see cref="Complete"/> patches the payload length in.
/// Reuse one per publisher so steady-state encoding allocates nothing. Not thread-safe.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>
{
    private readonly int _maxFrameBytes;
    private byte[] _buffer;
    private int _written;
    private int _headerSize = -1;
    private ushort _messageType;

    public FrameBuffer(string senderNodeId, int maxFrameBytes = FrameCodec.DefaultMaxFrameBytes, int initialCapacity = 4096)
    {
        ArgumentException.ThrowIfNullOrEmpty(senderNodeId);
        if (FrameHeader.SizeFor(senderNodeId) - FrameHeader.FixedSize > FrameHeader.MaxSenderBytes)
            throw new ArgumentException($"Sender node id '{senderNodeId}' is longer than {FrameHeader.MaxSenderBytes} UTF-8 bytes.", nameof(senderNodeId));
        SenderNodeId = senderNodeId;
        _maxFrameBytes = maxFrameBytes;
        _buffer = new byte[Math.Max(initialCapacity, FrameHeader.SizeFor(senderNodeId))];
    }

    public string SenderNodeId { get; }

    /// <summary>Starts a new frame, discarding any previous one.</summary>
    public WireWriter Begin(ushort messageType)
    {
        _messageType = messageType;
        _headerSize = FrameHeader.SizeFor(SenderNodeId);
        _written = _headerSize;
        return new WireWriter(this);
    }

    /// <summary>Finishes the frame and returns it. Valid until the next <see cref="Begin"/>.</summary>
    /// <exception cref="InvalidOperationException">No frame was begun, or the frame exceeds the maximum size.</exception>
    public ReadOnlyMemory<byte> Complete()
    {
        if (_headerSize < 0) throw new InvalidOperationException("Call Begin(messageType) before Complete().");
        if (_written > _maxFrameBytes)
            throw new InvalidOperationException($"Frame of {_written} bytes exceeds the maximum of {_maxFrameBytes} bytes; split the message or raise the limit on both ends.");
        FrameHeader.Write(_buffer, _messageType, _written - _headerSize, SenderNodeId);
        return _buffer.AsMemory(0, _written);
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length) throw new InvalidOperationException("Advanced past the span handed out.");
        _written += count;
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        int offset = Reserve(sizeHint); // may replace _buffer, so read the field only afterwards
        return _buffer.AsMemory(offset);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        int offset = Reserve(sizeHint);
        return _buffer.AsSpan(offset);
    }

    private int Reserve(int sizeHint)
    {
        if (_headerSize < 0) throw new InvalidOperationException("Call Begin(messageType) before writing a payload.");
        int need = _written + Math.Max(sizeHint, 1);
        if (need > _buffer.Length)
        {
            int size = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, need));
            Array.Resize(ref _buffer, size);
        }
        return _written;
    }
}
