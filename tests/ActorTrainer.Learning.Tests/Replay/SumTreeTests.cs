using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Replay;

public class SumTreeTests
{
    [Fact]
    public void Sums_minima_and_prefix_search_stay_correct_under_random_updates()
    {
        const int capacity = 1000; // not a power of two: exercises the padded leaves
        var tree = new SumTree(capacity);
        var shadow = new double[capacity];
        var set = new bool[capacity];
        var rng = new Random(12);
        for (var op = 0; op < 20_000; op++)
        {
            var i = rng.Next(capacity);
            var p = rng.Next(10) == 0 ? 0 : rng.NextDouble() * 10;
            tree.Set(i, p);
            shadow[i] = p;
            set[i] = true;
            if (op % 500 != 0) continue;
            Assert.Equal(shadow.Sum(), tree.Total, 6);
            // Leaves never set do not count towards the minimum (they are not in the buffer yet).
            Assert.Equal(shadow.Where((_, j) => set[j]).Min(), tree.Min, 9);
            // The leaf found for a mass must be the one whose cumulative range contains it.
            for (var q = 0; q < 50; q++)
            {
                var mass = rng.NextDouble() * tree.Total;
                var idx = tree.FindPrefixSum(mass);
                var before = shadow.Take(idx).Sum();
                Assert.True(shadow[idx] > 0, $"found zero-priority leaf {idx}");
                Assert.InRange(mass, before - 1e-6, before + shadow[idx] + 1e-6);
            }
        }
    }

    [Fact]
    public void Invalid_priorities_and_indices_are_rejected()
    {
        var tree = new SumTree(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, double.NaN));
        Assert.Throws<InvalidOperationException>(() => tree.FindPrefixSum(0));
    }
}
