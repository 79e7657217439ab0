using System.Buffers.Binary;
using System.Text.Unicode;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// Encodes and strictly validates cluster frames (<see cref="FrameHeader"/> + payload).
/// Decoding never throws: every bad frame becomes a <see cref="FrameRejected"/> reason, is counted in
/// <see cref="Stats"/> and reported through <see cref="Rejected"/>, because a node must survive any bytes
/// a broker hands it. Thread-safe.
/// </summary>
public sealed class FrameCodec
{
    /// <summary>64 MiB: room for a safetensors weights snapshot of a mid-sized network.</summary>
    public const int DefaultMaxFrameBytes = 64 * 1024 * 1024;

    private readonly SenderIdCache _senders = new();
    private readonly bool[]? _knownTypes;

    /// <param name="maxFrameBytes">Largest accepted frame, header included.</param>
    /// <param name="knownMessageTypes">When given, any other type id is rejected as <see cref="FrameRejected.UnknownMessageType"/>.</param>
    /// <param name="stats">Counters to update; a fresh instance when null.</param>
    public FrameCodec(int maxFrameBytes = DefaultMaxFrameBytes, IEnumerable<ushort>? knownMessageTypes = null, WireStats? stats = null)
    {
        if (maxFrameBytes < FrameHeader.FixedSize + FrameHeader.MaxSenderBytes)
            throw new ArgumentOutOfRangeException(nameof(maxFrameBytes), maxFrameBytes,
                $"The maximum frame size must be at least {FrameHeader.FixedSize + FrameHeader.MaxSenderBytes} bytes (the largest header).");
        MaxFrameBytes = maxFrameBytes;
        Stats = stats ?? new WireStats();
        if (knownMessageTypes is not null)
        {
            _knownTypes = new bool[ushort.MaxValue + 1];
            foreach (var t in knownMessageTypes) _knownTypes[t] = true;
        }
    }

    public int MaxFrameBytes { get; }

    public WireStats Stats { get; }

    /// <summary>Raised once per dropped frame (including payload failures reported via <see cref="ReportMalformedPayload"/>).</summary>
    public event Action<FrameRejection>? Rejected;

    /// <summary>Largest payload that fits in a frame from <paramref name="senderNodeId"/>.</summary>
    public int MaxPayloadBytes(string senderNodeId) => MaxFrameBytes - FrameHeader.SizeFor(senderNodeId);

    /// <summary>Writes a complete frame into <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ArgumentException">The frame would exceed <see cref="MaxFrameBytes"/>, or the destination is too small.</exception>
    public int Encode(Span<byte> destination, ushort messageType, string senderNodeId, ReadOnlySpan<byte> payload)
    {
        int total = FrameHeader.SizeFor(senderNodeId) + payload.Length;
        if (total > MaxFrameBytes)
            throw new ArgumentException($"A frame of {total} bytes exceeds the maximum of {MaxFrameBytes} bytes.", nameof(payload));
        int headerSize = FrameHeader.Write(destination, messageType, payload.Length, senderNodeId);
        if (destination.Length < total)
            throw new ArgumentException($"Destination has {destination.Length} bytes; the frame needs {total}.", nameof(destination));
        payload.CopyTo(destination[headerSize..]);
        return total;
    }

    /// <summary>Allocating convenience for cold paths and tests.</summary>
    public byte[] Encode(ushort messageType, string senderNodeId, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[FrameHeader.SizeFor(senderNodeId) + payload.Length];
        Encode(buffer, messageType, senderNodeId, payload);
        return buffer;
    }

    /// <summary>
    /// Validates <paramref name="frame"/>. On success <paramref name="received"/> holds the header and a payload
    /// slice (no copy) and the frame is counted as ok; otherwise the drop is counted and reported.
    /// </summary>
    /// <param name="source">Where the bytes came from (queue name), for the rejection log.</param>
    public bool TryDecode(ReadOnlyMemory<byte> frame, out ReceivedFrame received, string? source = null)
    {
        var reason = Inspect(frame.Span, out var header, out string? sender, out string detail);
        if (reason == FrameRejected.None)
        {
            Stats.CountOk();
            received = new ReceivedFrame(header, frame.Slice(header.Size, header.PayloadLength));
            return true;
        }
        received = default;
        Drop(new FrameRejection(reason, sender, frame.Length, reason is FrameRejected.UnknownMessageType ? header.MessageType : null, detail, source));
        return false;
    }

    /// <summary>Validates without counting or reporting, e.g. for a pre-publish self check.</summary>
    public FrameRejected Validate(ReadOnlySpan<byte> frame) => Inspect(frame, out _, out _, out _);

    /// <summary>
    /// For the message layer: the header was fine (already counted ok) but the payload failed to parse.
    /// Moves the frame from ok to <see cref="FrameRejected.MalformedPayload"/> and reports it with its sender.
    /// </summary>
    public void ReportMalformedPayload(in ReceivedFrame frame, MalformedFrameException error, string? source = null)
    {
        Stats.UncountOk();
        Drop(new FrameRejection(FrameRejected.MalformedPayload, frame.SenderNodeId, frame.Header.Size + frame.Payload.Length,
            frame.MessageType, error.Message, source));
    }

    private void Drop(in FrameRejection rejection)
    {
        Stats.CountDropped(rejection.Reason);
        try
        {
            Rejected?.Invoke(rejection);
        }
        catch
        {
            // A faulty log sink must not turn a dropped frame into a crashed consumer.
        }
    }

    private FrameRejected Inspect(ReadOnlySpan<byte> frame, out FrameHeader header, out string? sender, out string detail)
    {
        header = default;
        sender = null;
        if (frame.Length > MaxFrameBytes)
        {
            detail = $"frame is {frame.Length} bytes, maximum {MaxFrameBytes}";
            return FrameRejected.Oversized;
        }
        if (frame.Length < FrameHeader.FixedSize)
        {
            detail = $"frame is {frame.Length} bytes, shorter than the {FrameHeader.FixedSize}-byte header";
            return FrameRejected.Truncated;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameHeader.Magic)
        {
            detail = "magic bytes are not ATFR";
            return FrameRejected.BadMagic;
        }
        // Name the claimed sender as early as possible so even a version or flag mismatch is logged with it;
        // the rest of the header is only trusted once version and flags check out.
        int senderBytes = frame[12];
        bool senderReadable = senderBytes is > 0 and <= FrameHeader.MaxSenderBytes && frame.Length >= FrameHeader.FixedSize + senderBytes;
        if (senderReadable && Utf8.IsValid(frame.Slice(FrameHeader.FixedSize, senderBytes)))
            sender = _senders.GetOrAdd(frame.Slice(FrameHeader.FixedSize, senderBytes));
        byte version = frame[4];
        if (version != FrameHeader.CurrentVersion)
        {
            detail = $"protocol version {version}, this build speaks {FrameHeader.CurrentVersion}";
            return FrameRejected.UnsupportedVersion;
        }
        var flags = (FrameFlags)frame[5];
        if (flags != FrameFlags.None)
        {
            detail = $"flags 0x{(byte)flags:X2} are not defined in version {version}";
            return FrameRejected.UnknownFlags;
        }
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]);
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(frame[8..]);
        if (senderBytes == 0 || senderBytes > FrameHeader.MaxSenderBytes)
        {
            detail = $"sender id length {senderBytes}, allowed 1..{FrameHeader.MaxSenderBytes}";
            return FrameRejected.BadSender;
        }
        int headerSize = FrameHeader.FixedSize + senderBytes;
        if (frame.Length < headerSize)
        {
            detail = $"frame is {frame.Length} bytes, header with sender needs {headerSize}";
            return FrameRejected.Truncated;
        }
        if (sender is null)
        {
            detail = "sender id is not valid UTF-8";
            return FrameRejected.BadSender;
        }
        // long arithmetic: a forged length near int.MaxValue must not wrap around into "fits".
        if (payloadLength < 0 || (long)headerSize + payloadLength > MaxFrameBytes)
        {
            detail = $"declared payload of {payloadLength} bytes exceeds the maximum frame of {MaxFrameBytes} bytes";
            return FrameRejected.Oversized;
        }
        int expected = headerSize + payloadLength;
        if (frame.Length < expected)
        {
            detail = $"frame is {frame.Length} bytes, header declares {expected}";
            return FrameRejected.Truncated;
        }
        if (frame.Length > expected)
        {
            detail = $"frame is {frame.Length} bytes, header declares {expected}";
            return FrameRejected.TrailingBytes;
        }
        header = new FrameHeader(version, flags, type, payloadLength, sender);
        if (_knownTypes is not null && !_knownTypes[type])
        {
            detail = $"message type {type} is not registered";
            return FrameRejected.UnknownMessageType;
        }
        detail = string.Empty;
        return FrameRejected.None;
    }
}
