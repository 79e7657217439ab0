using System.Buffers.Binary;
using System.Text;

namespace ActorTrainer.Training.Metrics;

/// <summary>
/// Writes a TensorBoard event file (events.out.tfevents.&lt;unix time&gt;.&lt;host&gt;) in TensorBoard's documented
/// layout: TFRecord framing (u64 length, masked CRC-32C of the length, the bytes, masked CRC-32C of the bytes)
/// around protobuf-encoded <c>Event</c> messages. The first event carries file_version "brain.Event:2"; each
/// later one carries wall_time, step and a <c>Summary</c> of (tag, simple_value) pairs.
/// </summary>
/// <remarks>
/// The few protobuf fields are encoded by hand, so the training library needs no protobuf package. Each record is
/// built in one buffer and handed to the OS in one unbuffered write, then flushed: a reader (TensorBoard tails
/// the file) sees whole records, and a crash can tear only the last one, which TensorBoard's reader treats as
/// not yet written.
/// </remarks>
public sealed class TensorBoardEventWriter : IDisposable
{
    public const string FileVersion = "brain.Event:2";
    public const string FilePrefix = "events.out.tfevents.";

    // Field keys: (field number << 3) | wire type. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
    private const byte EventWallTimeKey = (1 << 3) | 1;
    private const byte EventStepKey = (2 << 3) | 0;
    private const byte EventFileVersionKey = (3 << 3) | 2;
    private const byte EventSummaryKey = (5 << 3) | 2;
    private const byte SummaryValueKey = (1 << 3) | 2;
    private const byte ValueTagKey = (1 << 3) | 2;
    private const byte ValueSimpleValueKey = (2 << 3) | 5;

    private const int RecordHeaderBytes = 12; // u64 length + u32 masked CRC of the length
    private const int RecordFooterBytes = 4;  // u32 masked CRC of the data

    private readonly FileStream _stream;
    private readonly TimeProvider _clock;
    private byte[] _buffer = new byte[4096];

    /// <summary>Creates <paramref name="directory"/> if needed and a new event file in it, starting with the file-version event.</summary>
    public TensorBoardEventWriter(string directory, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _clock = clock ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        var baseName = $"{FilePrefix}{_clock.GetUtcNow().ToUnixTimeSeconds()}.{Environment.MachineName}";
        var path = System.IO.Path.Combine(directory, baseName);
        // A resumed run reopens the same folder; a second writer within the same second gets its own file.
        for (var i = 2; File.Exists(path); i++) path = System.IO.Path.Combine(directory, $"{baseName}.{i}");
        Path = path;
        // bufferSize 0: every Write is one write(2) of a whole record, visible to readers at once.
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        WriteFileVersion();
    }

    /// <summary>The event file being written.</summary>
    public string Path { get; }

    /// <summary>Appends one event at <paramref name="step"/> holding <paramref name="scalars"/> (stored as float32, as TensorBoard does).</summary>
    public void Write(long step, ReadOnlySpan<TensorBoardScalar> scalars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var summaryLength = 0;
        foreach (var s in scalars)
        {
            var valueLength = ValueLength(s.Tag);
            summaryLength += 1 + VarintLength((ulong)valueLength) + valueLength;
        }
        var eventLength = 1 + 8 + 1 + VarintLength((ulong)step) + 1 + VarintLength((ulong)summaryLength) + summaryLength;
        var data = BeginRecord(eventLength);
        var at = 0;
        at = WriteWallTime(data, at);
        data[at++] = EventStepKey;
        at = WriteVarint(data, at, (ulong)step);
        data[at++] = EventSummaryKey;
        at = WriteVarint(data, at, (ulong)summaryLength);
        foreach (var s in scalars)
        {
            data[at++] = SummaryValueKey;
            at = WriteVarint(data, at, (ulong)ValueLength(s.Tag));
            data[at++] = ValueTagKey;
            at = WriteVarint(data, at, (ulong)Encoding.UTF8.GetByteCount(s.Tag));
            at += Encoding.UTF8.GetBytes(s.Tag, data[at..]);
            data[at++] = ValueSimpleValueKey;
            BinaryPrimitives.WriteSingleLittleEndian(data[at..], (float)s.Value);
            at += 4;
        }
        EndRecord(at);
    }

    private void WriteFileVersion()
    {
        var versionLength = Encoding.ASCII.GetByteCount(FileVersion);
        var data = BeginRecord(1 + 8 + 1 + VarintLength((ulong)versionLength) + versionLength);
        var at = WriteWallTime(data, 0);
        data[at++] = EventFileVersionKey;
        at = WriteVarint(data, at, (ulong)versionLength);
        at += Encoding.ASCII.GetBytes(FileVersion, data[at..]);
        EndRecord(at);
    }

    private static int ValueLength(string tag)
    {
        var tagBytes = Encoding.UTF8.GetByteCount(tag);
        return 1 + VarintLength((ulong)tagBytes) + tagBytes + 1 + 4;
    }

    /// <summary>Writes the record header for <paramref name="dataLength"/> bytes and returns the span the event goes into.</summary>
    private Span<byte> BeginRecord(int dataLength)
    {
        var total = RecordHeaderBytes + dataLength + RecordFooterBytes;
        if (_buffer.Length < total) _buffer = new byte[Math.Max(total, _buffer.Length * 2)];
        var span = _buffer.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32C.Mask(Crc32C.Compute(span[..8])));
        return span.Slice(RecordHeaderBytes, dataLength);
    }

    private void EndRecord(int dataLength)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(_buffer);
        if (dataLength != length)
            throw new InvalidOperationException($"event encoded to {dataLength} bytes but {length} were framed; the size computation and the encoder disagree");
        var data = _buffer.AsSpan(RecordHeaderBytes, dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(RecordHeaderBytes + dataLength), Crc32C.Mask(Crc32C.Compute(data)));
        _stream.Write(_buffer, 0, RecordHeaderBytes + dataLength + RecordFooterBytes);
        _stream.Flush();
    }

    private int WriteWallTime(Span<byte> data, int at)
    {
        data[at++] = EventWallTimeKey;
        BinaryPrimitives.WriteDoubleLittleEndian(data[at..], _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        return at + 8;
    }

    private static int VarintLength(ulong value)
    {
        var n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    private static int WriteVarint(Span<byte> data, int at, ulong value)
    {
        while (value >= 0x80)
        {
            data[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        data[at++] = (byte)value;
        return at;
    }

    public void Dispose() => _stream.Dispose();
}
