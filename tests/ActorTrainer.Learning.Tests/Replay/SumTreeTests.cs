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
    public void Batched_updates_and_searches_give_exactly_what_single_ones_give()
    {
        const int capacity = 1000;
        var batched = new SumTree(capacity, zeroIsEmpty: true);
        var single = new SumTree(capacity, zeroIsEmpty: true);
        var rng = new Random(7);
        var indices = new int[64];
        var priorities = new double[64];
        for (var round = 0; round < 300; round++)
        {
            var n = rng.Next(1, indices.Length + 1);
            for (var i = 0; i < n; i++)
            {
                // Duplicates within a batch (the later one wins) and zeros (emptied slots) included.
                indices[i] = i > 0 && rng.Next(8) == 0 ? indices[rng.Next(i)] : rng.Next(capacity);
                priorities[i] = rng.Next(10) == 0 ? 0 : rng.NextDouble() * 10;
                single.Set(indices[i], priorities[i]);
            }
            batched.SetMany(indices.AsSpan(0, n), priorities.AsSpan(0, n));
            Assert.Equal(single.Total, batched.Total);
            Assert.Equal(single.Min, batched.Min);
            if (round % 30 != 0) continue;
            for (var leaf = 0; leaf < capacity; leaf++) Assert.Equal(single[leaf], batched[leaf]);

            var masses = new double[100];
            for (var i = 0; i < masses.Length; i++) masses[i] = (rng.NextDouble() * 1.1 - 0.05) * single.Total; // some below 0
            masses[^1] = single.Total * (1 - 1e-12);
            var expected = masses.Select(single.FindPrefixSum).ToArray();
            var found = new int[masses.Length];
            batched.FindPrefixSums(masses, found);
            Assert.Equal(expected, found);
        }
    }

    [Fact]
    public void A_batch_with_a_bad_entry_is_refused_whole()
    {
        var tree = new SumTree(8);
        tree.Set(3, 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tree.SetMany([1, 2, 5], [1.0, 4.0, double.NaN]));
        Assert.Contains("the priority for leaf 5 is NaN; it must be a finite number", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.SetMany([1, 8], [1.0, 1.0]));
        // Nothing of a refused batch was applied.
        Assert.Equal(2, tree.Total);
        Assert.Equal(0, tree[1]);

        var mismatch = Assert.Throws<ArgumentException>(() => tree.SetMany([1, 2], [1.0]));
        Assert.Contains("2 indices but 1 priorities", mismatch.Message);
        var tooFew = Assert.Throws<ArgumentException>(() => tree.FindPrefixSums(new double[3], new int[2]));
        Assert.Contains("room for 2 leaves", tooFew.Message);
        Assert.Throws<InvalidOperationException>(() => new SumTree(4).FindPrefixSums(new double[1], new int[1]));
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
