namespace ActorTrainer.Cluster.Wire;

/// <summary>Thread-safe counters of accepted frames and dropped frames by <see cref="FrameRejected"/> reason.</summary>
public sealed class WireStats
{
    private static readonly FrameRejected[] Reasons = Enum.GetValues<FrameRejected>();
    private readonly long[] _dropped = new long[Reasons.Max(r => (int)r) + 1];
    private long _ok;

    public long FramesOk => Interlocked.Read(ref _ok);

    public long Dropped(FrameRejected reason) => Interlocked.Read(ref _dropped[(int)reason]);

    public long TotalDropped
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _dropped.Length; i++) sum += Interlocked.Read(ref _dropped[i]);
            return sum;
        }
    }

    internal void CountOk() => Interlocked.Increment(ref _ok);

    internal void UncountOk() => Interlocked.Decrement(ref _ok);

    internal void CountDropped(FrameRejected reason) => Interlocked.Increment(ref _dropped[(int)reason]);

    /// <summary>Non-zero drop counters by reason name, for status output and metrics.</summary>
    public IReadOnlyDictionary<string, long> DroppedByReason()
    {
        var result = new Dictionary<string, long>();
        foreach (var r in Reasons)
        {
            if (r == FrameRejected.None) continue;
            long n = Dropped(r);
            if (n != 0) result[r.ToString()] = n;
        }
        return result;
    }

    public override string ToString()
    {
        var parts = DroppedByReason().Select(kv => $"{kv.Key}={kv.Value}");
        return $"ok={FramesOk} dropped={TotalDropped} [{string.Join(", ", parts)}]";
    }
}
