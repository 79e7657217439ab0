using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Tests.Networks;

public class QNetworkTests
{
    /// <summary>obs, actions, hidden, dueling, batch, features per action (0: a whole-observation network).</summary>
    public static TheoryData<int, int, int[], bool, int, int> Shapes => new()
    {
        { 4, 2, new[] { 256, 256 }, true, 64, 0 },
        { 4, 2, new[] { 64, 64 }, true, 70, 0 },
        { 5, 3, new[] { 20, 17 }, true, 7, 0 },
        { 6, 4, new[] { 33 }, false, 37, 0 },
        { 18, 5, new[] { 16, 48, 9 }, false, 1, 0 },
        { 4, 3, new[] { 13, 20 }, true, 5, 0 },     // 4-wide input with a row count that is not a multiple of 8
        { 760, 40, new[] { 64, 64 }, false, 9, 19 }, // Tetris placements: 9 × 40 = 360 rows, a padded tail
        { 15, 3, new[] { 20, 17 }, false, 7, 5 },   // per action: 21 rows, narrow layers and a tail panel
        { 126, 7, new[] { 33 }, false, 1, 18 },     // per action, one observation
    };

    internal static float[] RandomObs(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (var i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
        return x;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Batched_and_single_forward_match_a_double_precision_reference(int obs, int actions, int[] hidden, bool dueling, int batch, int actionFeatures)
    {
        var spec = new NetworkSpec(obs, actions, hidden, dueling, actionFeatures);
        var net = QNetwork.Create(spec, seed: 3);
        var x = RandomObs(batch * obs, 11);
        var expected = ReferenceNetwork.Forward(spec, net.Parameters.ToArray().Select(v => (double)v).ToArray(), x, batch);

        var ws = new QNetworkWorkspace(spec, batch + 5);
        var q = new float[batch * actions];
        net.ForwardBatch(x, batch, ws, q);
        var single = new float[actions];
        for (var b = 0; b < batch; b++)
        {
            net.Forward(x.AsSpan(b * obs, obs), single);
            for (var a = 0; a < actions; a++)
            {
                var e = expected[b * actions + a];
                Assert.True(Math.Abs(q[b * actions + a] - e) <= 1e-4 * (1 + Math.Abs(e)), $"batched q[{b},{a}] = {q[b * actions + a]}, reference {e}");
                Assert.True(Math.Abs(single[a] - e) <= 1e-4 * (1 + Math.Abs(e)), $"single q[{b},{a}] = {single[a]}, reference {e}");
            }
        }
    }

    [Fact]
    public void Initialisation_follows_the_nn_Linear_bounds_and_is_reproducible_for_a_seed()
    {
        var spec = new NetworkSpec(4, 2, [256, 256], true);
        var a = QNetwork.Create(spec, 42);
        var b = QNetwork.Create(spec, 42);
        var c = QNetwork.Create(spec, 43);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));
        foreach (var t in spec.Tensors)
        {
            var fanIn = t.Name.StartsWith("layers.0", StringComparison.Ordinal) ? 4 : 256;
            var bound = 1.0 / Math.Sqrt(fanIn);
            var slice = a.Parameters.Slice(t.Offset, t.Length).ToArray();
            Assert.All(slice, v => Assert.InRange(v, -bound, bound));
            // Uniform on [−bound, bound]: the spread must actually use the range (guards against a wrong fan-in).
            if (t.Length >= 256) Assert.True(slice.Max() > 0.8 * bound && slice.Min() < -0.8 * bound, $"{t.Name} spread [{slice.Min()}, {slice.Max()}] vs bound {bound}");
        }
    }

    [Fact]
    public void Parameter_layout_is_pytorch_linear_order()
    {
        var spec = new NetworkSpec(4, 2, [8, 6], true);
        var names = spec.Tensors.Select(t => $"{t.Name}:{string.Join('x', t.Shape)}@{t.Offset}").ToArray();
        Assert.Equal(new[]
        {
            "layers.0.weight:8x4@0", "layers.0.bias:8@32", "layers.1.weight:6x8@40", "layers.1.bias:6@88",
            "value.weight:1x6@94", "value.bias:1@100", "advantage.weight:2x6@101", "advantage.bias:2@113",
        }, names);
        Assert.Equal(115, spec.ParameterCount);
        var plain = new NetworkSpec(3, 2, [5], false);
        Assert.Equal(new[] { "layers.0.weight", "layers.0.bias", "head.weight", "head.bias" }, plain.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Snapshot_is_immutable_and_copies_into_a_network_of_the_same_shape_only()
    {
        var spec = new NetworkSpec(4, 2, [16], true);
        var net = QNetwork.Create(spec, 1);
        var snap = net.Snapshot(7);
        Assert.Equal(7, snap.Version);
        net.Parameters[0] += 1f; // later training must not leak into the snapshot
        Assert.NotEqual(net.Parameters[0], snap.Parameters.Span[0]);

        var other = QNetwork.Create(spec, 2);
        other.CopyFrom(snap);
        Assert.True(other.Parameters.SequenceEqual(snap.Parameters.Span));

        var wrong = new QNetwork(new NetworkSpec(4, 2, [17], true));
        var ex = Assert.Throws<ArgumentException>(() => wrong.CopyFrom(snap));
        Assert.Contains("4-16-2 dueling", ex.Message);
    }

    [Fact]
    public void Soft_update_moves_target_by_tau()
    {
        var spec = new NetworkSpec(2, 2, [4], false);
        var a = QNetwork.Create(spec, 1);
        var b = QNetwork.Create(spec, 2);
        var before = b.Parameters.ToArray();
        b.SoftUpdateFrom(a, 0.25f);
        for (var i = 0; i < before.Length; i++)
            Assert.Equal(0.75f * before[i] + 0.25f * a.Parameters[i], b.Parameters[i], 5);
    }

    [Fact]
    public void Wrong_sizes_are_rejected_with_what_was_expected()
    {
        var spec = new NetworkSpec(4, 2, [8], true);
        var net = QNetwork.Create(spec, 1);
        var ex = Assert.Throws<ArgumentException>(() => net.Forward(new float[3], new float[2]));
        Assert.Contains("expects 4", ex.Message);
        var ws = new QNetworkWorkspace(spec, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardBatch(new float[36], 9, ws, new float[18]));
        Assert.Throws<InvalidOperationException>(() => net.Backward(new float[4], 2, ws));
        Assert.Throws<ArgumentException>(() => new NetworkSpec(4, 2, [], true));
    }
}
