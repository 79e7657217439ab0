using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ActorTrainer.Training.Tests.Metrics;

/// <summary>One decoded TensorBoard Event: wall_time, step, file_version (first event only) and the summary's scalars.</summary>
internal sealed record DecodedEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<KeyValuePair<string, float>> Scalars);

/// <summary>
/// Reads a TensorBoard event file without the writer's code: TFRecord framing checked with a second CRC-32C
/// (<see cref="BitOperations.Crc32C(uint, byte)"/>, the hardware instruction where there is one), and the Event,
/// Summary and Summary.Value messages decoded by the field numbers of tensorflow/core/util/event.proto and
/// tensorflow/core/framework/summary.proto. Unknown fields are skipped by wire type, as protobuf requires.
/// </summary>
internal static class EventFileDecoder
{
    public static List<DecodedEvent> ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Decode(copy.ToArray());
    }

    public static List<DecodedEvent> Decode(ReadOnlySpan<byte> file)
    {
        var events = new List<DecodedEvent>();
        var at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"truncated record header at byte {at}");
            var lengthBytes = file.Slice(at, 8);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            var lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 8)..]);
            if (lengthCrc != MaskedCrc(lengthBytes)) throw new InvalidDataException($"length CRC mismatch at byte {at}");
            if ((ulong)(file.Length - at - 16) < length) throw new InvalidDataException($"truncated record data at byte {at}");
            var data = file.Slice(at + 12, (int)length);
            var dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 12 + (int)length)..]);
            if (dataCrc != MaskedCrc(data)) throw new InvalidDataException($"data CRC mismatch at byte {at}");
            events.Add(DecodeEvent(data));
            at += 16 + (int)length;
        }
        return events;
    }

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(BitOperations.RotateRight(crc, 15) + 0xa282ead8u);
    }

    private static DecodedEvent DecodeEvent(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var scalars = new List<KeyValuePair<string, float>>();
        var reader = new Reader(data);
        while (!reader.Done)
        {
            var (field, wire) = reader.Key();
            switch (field, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64()); break;
                case (2, 0): step = (long)reader.Varint(); break;
                case (3, 2): fileVersion = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (5, 2): DecodeSummary(reader.Bytes(), scalars); break;
                default: reader.Skip(wire); break;
            }
        }
        return new DecodedEvent(wallTime, step, fileVersion, scalars);
    }

    private static void DecodeSummary(ReadOnlySpan<byte> data, List<KeyValuePair<string, float>> scalars)
    {
        var reader = new Reader(data);
        while (!reader.Done)
        {
            var (field, wire) = reader.Key();
            if (field == 1 && wire == 2) scalars.Add(DecodeValue(reader.Bytes()));
            else reader.Skip(wire);
        }
    }

    private static KeyValuePair<string, float> DecodeValue(ReadOnlySpan<byte> data)
    {
        string? tag = null;
        float? value = null;
        var reader = new Reader(data);
        while (!reader.Done)
        {
            var (field, wire) = reader.Key();
            switch (field, wire)
            {
                case (1, 2): tag = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (2, 5): value = BitConverter.Int32BitsToSingle((int)reader.Fixed32()); break;
                default: reader.Skip(wire); break;
            }
        }
        if (tag is null || value is null) throw new InvalidDataException($"a Summary.Value lacks its tag or simple_value (tag {tag ?? "null"})");
        return new(tag, value.Value);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool Done => _at >= _data.Length;

        public (int Field, int Wire) Key()
        {
            var key = Varint();
            return ((int)(key >> 3), (int)(key & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
            throw new InvalidDataException("varint longer than 10 bytes");
        }

        public ulong Fixed64()
        {
            var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_at..]);
            _at += 8;
            return v;
        }

        public uint Fixed32()
        {
            var v = BinaryPrimitives.ReadUInt32LittleEndian(_data[_at..]);
            _at += 4;
            return v;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var n = (int)Varint();
            var s = _data.Slice(_at, n);
            _at += n;
            return s;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2: Bytes(); break;
                case 5: _at += 4; break;
                default: throw new InvalidDataException($"wire type {wire} is not used by these messages");
            }
        }
    }
}
