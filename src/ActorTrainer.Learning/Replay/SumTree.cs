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
    // SetMany's scratch (the node each update has reached), grown to the largest call once.
    private int[] _nodes = [];

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

    public void Set(int index, double priority) => SetMany(new ReadOnlySpan<int>(in index), new ReadOnlySpan<double>(in priority));

    /// <summary>
    /// <see cref="Set"/> for each of <paramref name="indices"/> (a later duplicate wins, as one call after another),
    /// with the tree above them recomputed level by level: each level's reads are independent of one another, so the CPU
    /// fetches them together instead of one leaf's path at a time (see <see cref="FindPrefixSums"/>). The tree ends
    /// exactly as after the single calls, since every parent is recomputed from its final children.
    /// </summary>
    public void SetMany(ReadOnlySpan<int> indices, ReadOnlySpan<double> priorities)
    {
        if (priorities.Length != indices.Length)
            throw new ArgumentException($"{indices.Length} indices but {priorities.Length} priorities; they must match", nameof(priorities));
        for (var i = 0; i < indices.Length; i++)
        {
            CheckIndex(indices[i]);
            var priority = priorities[i];
            if (!(priority >= 0) || double.IsInfinity(priority))
                throw new ArgumentOutOfRangeException(nameof(priorities), priority, $"the priority for leaf {indices[i]} is {priority}; it must be a finite number ≥ 0");
        }
        if (_nodes.Length < indices.Length) _nodes = new int[indices.Length];
        var nodes = _nodes.AsSpan(0, indices.Length);
        for (var i = 0; i < indices.Length; i++)
        {
            var node = _leaves + indices[i];
            var priority = priorities[i];
            _sums[node] = priority;
            _mins[node] = priority == 0 && _zeroIsEmpty ? double.PositiveInfinity : priority;
            nodes[i] = node >> 1;
        }
        var sums = _sums;
        var mins = _mins;
        for (var width = 1; width < _leaves; width <<= 1)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                var node = nodes[i];
                var l = 2 * node;
                sums[node] = sums[l] + sums[l + 1];
                mins[node] = Math.Min(mins[l], mins[l + 1]);
                nodes[i] = node >> 1;
            }
        }
    }

    /// <summary>
    /// The leaf whose cumulative range [prefix before it, prefix including it) contains <paramref name="mass"/>,
    /// for 0 ≤ mass &lt; Total. Leaves with zero priority are never returned.
    /// </summary>
    public int FindPrefixSum(double mass)
    {
        var leaf = 0;
        FindPrefixSums(new Span<double>(ref mass), new Span<int>(ref leaf));
        return leaf;
    }

    /// <summary>
    /// <see cref="FindPrefixSum"/> for every mass in <paramref name="masses"/> at once, leaves into
    /// <paramref name="leaves"/>; <paramref name="masses"/> is used as scratch. The same answers, found level by level:
    /// one descent's loads depend on each other, so a batch of descents one after the other waits for memory at every
    /// level of the tree (the lower levels of a 100k-slot tree are not in the cache). Stepping all of them down one level
    /// at a time gives the CPU a level's independent loads to fetch together.
    /// </summary>
    public void FindPrefixSums(Span<double> masses, Span<int> leaves)
    {
        if (leaves.Length < masses.Length)
            throw new ArgumentException($"{masses.Length} masses but room for {leaves.Length} leaves; there must be room for each", nameof(leaves));
        if (!(Total > 0))
            throw new InvalidOperationException("cannot sample from a tree whose priorities sum to zero");
        var n = masses.Length;
        leaves = leaves[..n];
        for (var i = 0; i < n; i++)
        {
            if (masses[i] < 0) masses[i] = 0;
            leaves[i] = 1;
        }
        var sums = _sums;
        for (var width = 1; width < _leaves; width <<= 1)
        {
            for (var i = 0; i < n; i++)
            {
                var left = 2 * leaves[i];
                var leftSum = sums[left];
                if (masses[i] < leftSum || sums[left + 1] <= 0)
                {
                    leaves[i] = left;
                }
                else
                {
                    masses[i] -= leftSum;
                    leaves[i] = left + 1;
                }
            }
        }
        for (var i = 0; i < n; i++) leaves[i] -= _leaves;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be between 0 and {Capacity - 1}");
    }
}
