using System.Text;

namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// Maps sender-id bytes to a shared string so decoding a frame from a known node allocates nothing.
/// A cluster has few nodes; the cap keeps forged frames with ever-new senders from growing memory.
/// </summary>
internal sealed class SenderIdCache
{
    private const int Capacity = 256;
    private readonly Lock _gate = new();
    private (byte[] Utf8, string Text)[] _entries = [];

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        var entries = Volatile.Read(ref _entries);
        foreach (var e in entries)
            if (utf8.SequenceEqual(e.Utf8)) return e.Text;

        string text = Encoding.UTF8.GetString(utf8);
        lock (_gate)
        {
            if (_entries.Length >= Capacity) return text;
            foreach (var e in _entries)
                if (utf8.SequenceEqual(e.Utf8)) return e.Text;
            // Copy-on-write so readers never lock.
            var grown = new (byte[], string)[_entries.Length + 1];
            _entries.CopyTo(grown, 0);
            grown[^1] = (utf8.ToArray(), text);
            Volatile.Write(ref _entries, grown);
        }
        return text;
    }
}
