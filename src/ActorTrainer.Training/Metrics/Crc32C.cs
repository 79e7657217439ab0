namespace ActorTrainer.Training.Metrics;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TFRecord framing uses, plus the masking
/// TensorFlow applies so that a CRC stored next to the data it covers does not checksum to a fixed pattern.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;
    private const uint MaskDelta = 0xA282EAD8u;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TensorFlow's masked CRC: rotate right by 15 bits, then add a constant.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
