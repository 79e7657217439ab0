using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ActorTrainer.Learning.Safetensors;

/// <summary>
/// The safetensors format for float32 tensors: an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON mapping each tensor name to {dtype, shape, data_offsets:[begin,end]} (offsets relative to the data
/// section) plus an optional "__metadata__" string→string map, then the raw little-endian data.
/// Reading validates everything and reports the offending tensor.
/// </summary>
public static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    public static byte[] Serialize(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var headerStream = new MemoryStream();
        long offset = 0;
        using (var w = new Utf8JsonWriter(headerStream))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var t in tensors)
            {
                if (t.Name == MetadataKey || !names.Add(t.Name))
                    throw new ArgumentException($"tensor name '{t.Name}' is reserved or used twice", nameof(tensors));
                if (t.ElementCount != t.Data.Length)
                    throw new ArgumentException($"tensor '{t.Name}' has shape {t.ShapeText} ({t.ElementCount} values) but {t.Data.Length} values were given", nameof(tensors));
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length * 4L);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length * 4L;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data section is aligned (allowed by the format).
        var header = headerStream.ToArray();
        var headerLen = (header.Length + 7) & ~7;
        var result = new byte[8 + headerLen + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)headerLen);
        header.CopyTo(result, 8);
        result.AsSpan(8 + header.Length, headerLen - header.Length).Fill((byte)' ');
        var pos = 8 + headerLen;
        foreach (var t in tensors)
        {
            var dst = result.AsSpan(pos, t.Data.Length * 4);
            if (BitConverter.IsLittleEndian)
                MemoryMarshal.AsBytes(t.Data.AsSpan()).CopyTo(dst);
            else
                for (var i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(i * 4)..], t.Data[i]);
            pos += t.Data.Length * 4;
        }
        return result;
    }

    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));

    public static SafetensorsContent Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"no such file: {path}", path);
        }
        return Deserialize(bytes, path);
    }

    /// <summary>Parses and validates safetensors bytes; <paramref name="source"/> names them in error messages.</summary>
    public static SafetensorsContent Deserialize(ReadOnlySpan<byte> bytes, string source = "buffer")
    {
        if (bytes.Length < 8)
            throw Fail(source, $"is {bytes.Length} bytes long; a safetensors file starts with an 8-byte little-endian header length (truncated file?)");
        var headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > (ulong)(bytes.Length - 8))
            throw Fail(source, $"declares a {headerLen}-byte header but only {bytes.Length - 8} bytes follow the length prefix (truncated file or not safetensors)");
        if (headerLen > MaxHeaderBytes || headerLen < 2)
            throw Fail(source, $"declares a {headerLen}-byte header; expected between 2 bytes and {MaxHeaderBytes} bytes of JSON");
        var header = bytes.Slice(8, (int)headerLen);
        var data = bytes[(8 + (int)headerLen)..];

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException ex)
        {
            throw Fail(source, $"has a header that is not valid JSON ({ex.Message}); expected an object of tensor entries");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(source, $"has a JSON header of kind {doc.RootElement.ValueKind}; expected an object of tensor entries");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw Fail(source, "has a __metadata__ entry that is not an object; expected a map of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Fail(source, $"has __metadata__ entry '{m.Name}' of kind {m.Value.ValueKind}; metadata values must be strings");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                if (entries.Exists(e => e.Name == prop.Name))
                    throw Fail(source, $"names tensor '{prop.Name}' twice; each tensor name must be unique");
                entries.Add(ParseEntry(source, prop, data.Length));
            }

            var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Begin < sorted[i - 1].End)
                    throw Fail(source, $"has overlapping tensors '{sorted[i - 1].Name}' [{sorted[i - 1].Begin}, {sorted[i - 1].End}) and '{sorted[i].Name}' [{sorted[i].Begin}, {sorted[i].End}); each tensor needs its own bytes");
            }

            var tensors = new List<SafetensorsTensor>(entries.Count);
            foreach (var (name, shape, begin, end) in entries)
            {
                var count = (int)((end - begin) / 4);
                var values = new float[count];
                var src = data.Slice((int)begin, count * 4);
                if (BitConverter.IsLittleEndian)
                    src.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                else
                    for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
                tensors.Add(new SafetensorsTensor(name, shape, values));
            }
            return new SafetensorsContent(tensors, metadata);
        }
    }

    private static (string, int[], long, long) ParseEntry(string source, JsonProperty prop, int dataLength)
    {
        var name = prop.Name;
        var e = prop.Value;
        if (e.ValueKind != JsonValueKind.Object)
            throw Fail(source, $"tensor '{name}': entry is {e.ValueKind}; expected an object with dtype, shape and data_offsets");
        if (!e.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Fail(source, $"tensor '{name}': missing string 'dtype'; expected \"F32\"");
        if (dtype.GetString() != "F32")
            throw Fail(source, $"tensor '{name}' has dtype {dtype.GetString()}; only F32 (float32) is supported");
        if (!e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw Fail(source, $"tensor '{name}': missing 'shape' array");
        var shape = new int[shapeEl.GetArrayLength()];
        var k = 0;
        long elements = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var dim) || dim < 0)
                throw Fail(source, $"tensor '{name}': shape entry {k} is {d}; expected a whole number ≥ 0");
            shape[k++] = dim;
            elements *= dim;
            if (elements > int.MaxValue / 4)
                throw Fail(source, $"tensor '{name}': shape [{string.Join(", ", shape.Take(k))}...] is too large");
        }
        if (!e.TryGetProperty("data_offsets", out var offs) || offs.ValueKind != JsonValueKind.Array || offs.GetArrayLength() != 2)
            throw Fail(source, $"tensor '{name}': missing 'data_offsets'; expected [begin, end]");
        var begin = offs[0].ValueKind == JsonValueKind.Number && offs[0].TryGetInt64(out var b) ? b : -1;
        var end = offs[1].ValueKind == JsonValueKind.Number && offs[1].TryGetInt64(out var en) ? en : -1;
        if (begin < 0 || end < begin || end > dataLength)
            throw Fail(source, $"tensor '{name}' has data_offsets [{offs[0]}, {offs[1]}] out of range; expected 0 ≤ begin ≤ end ≤ {dataLength} (the data section's size; truncated file?)");
        if (end - begin != elements * 4)
            throw Fail(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}] = {elements} float32 values ({elements * 4} bytes) but data_offsets cover {end - begin} bytes");
        return (name, shape, begin, end);
    }

    private static SafetensorsFormatException Fail(string source, string what) => new($"{source}: {what}");
}
