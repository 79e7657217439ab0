namespace ActorTrainer.Learning.Replay;

/// <summary>
/// A complete binary tree over leaf priorities keeping subtree sums (double, so a million leaves do not
/// drift) and subtree minima. Set, prefix-sum search and min are O(log n). Parents are recomputed from
/// their children on every update rather than patched with deltas, so rounding never accumulates.
/// </summary>
public sealed class SumTree
{
    private readonly double[] _sums;
    private readonly double[] _mins;
    private readonly int _leaves;
    private readonly bool _zeroIsEmpty;

    /// <param name="zeroIsEmpty">A leaf set to 0 leaves the minimum (as if never set): for replays whose slots hold
    /// data that must not be sampled yet, whose zero priority must not decide the importance-weight scale.</param>
    public SumTree(int capacity, bool zeroIsEmpty = false)
    {
        _zeroIsEmpty = zeroIsEmpty;
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        if (capacity > 1 << 30)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at most 2^30");
        Capacity = capacity;
        _leaves = 1;
        while (_leaves < capacity) _leaves <<= 1;
        _sums = new double[2 * _leaves];
        _mins = new double[2 * _leaves];
        Array.Fill(_mins, double.PositiveInfinity);
    }

    public int Capacity { get; }

    /// <summary>Sum of all priorities.</summary>
    public double Total => _sums[1];

    /// <summary>Smallest priority that has been set (positive infinity when none).</summary>
    public double Min => _mins[1];

    /// <summary>Bytes both trees take for <paramref name="capacity"/> slots (leaves are padded to a power of two).</summary>
    public static long BytesFor(int capacity)
    {
        long leaves = 1;
        while (leaves < capacity) leaves <<= 1;
        return 2 * (2 * leaves * sizeof(double));
    }

    public double this[int index]
    {
        get
        {
            CheckIndex(index);
            return _sums[_leaves + index];
        }
    }

    public void Set(int index, double priority)
    {
        CheckIndex(index);
        if (!(priority >= 0) || double.IsInfinity(priority))
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "priority must be a finite number ≥ 0");
        var node = _leaves + index;
        _sums[node] = priority;
        _mins[node] = priority == 0 && _zeroIsEmpty ? double.PositiveInfinity : priority;
        node >>= 1;
        while (node >= 1)
        {
            var l = 2 * node;
            _sums[node] = _sums[l] + _sums[l + 1];
            _mins[node] = Math.Min(_mins[l], _mins[l + 1]);
            node >>= 1;
        }
    }

    /// <summary>
    /// The leaf whose cumulative range [prefix before it, prefix including it) contains <paramref name="mass"/>,
    /// for 0 ≤ mass &lt; Total. Leaves with zero priority are never returned.
    /// </summary>
    public int FindPrefixSum(double mass)
    {
        if (!(Total > 0))
            throw new InvalidOperationException("cannot sample from a tree whose priorities sum to zero");
        if (mass < 0) mass = 0;
        var node = 1;
        while (node < _leaves)
        {
            var left = 2 * node;
            if (mass < _sums[left] || _sums[left + 1] <= 0)
            {
                node = left;
            }
            else
            {
                mass -= _sums[left];
                node = left + 1;
            }
        }
        return node - _leaves;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be between 0 and {Capacity - 1}");
    }
}
