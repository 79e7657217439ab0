using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Replay;

public class PrioritizedReplayTests
{
    private static void AddStates(ITransitionSink sink, int count)
    {
        for (var k = 0; k < count; k++)
            sink.Add(new NStepTransition([k, -k], k % 3, k * 0.5f, [k + 1, -k - 1], k % 7 == 0, 3, 0.97f));
    }

    [Fact]
    public void Sampling_frequencies_match_priorities_chi_square()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(8, Alpha: 1f), seed: 5);
        AddStates(replay, 8);
        var indices = Enumerable.Range(0, 8).ToArray();
        var prios = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        replay.UpdatePriorities(indices, prios);
        var counts = new int[8];
        var batch = new ReplayBatch(32, 2);
        const int batches = 2000;
        for (var b = 0; b < batches; b++)
        {
            replay.SampleBatch(batch, 32);
            for (var i = 0; i < 32; i++) counts[batch.Indices[i]]++;
        }
        var total = batches * 32.0;
        var sumP = prios.Sum();
        var chi2 = 0.0;
        for (var i = 0; i < 8; i++)
        {
            var expected = total * prios[i] / sumP;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        // 7 degrees of freedom: P(χ² > 24.3) ≈ 0.001. Stratified sampling only lowers the variance.
        Assert.True(chi2 < 24.3, $"chi-square {chi2}; counts {string.Join(',', counts)}");
        // And a skewed distribution must actually be skewed (guards against uniform sampling passing).
        Assert.True(counts[7] > 5 * counts[0]);
    }

    [Fact]
    public void Alpha_zero_samples_uniformly_and_all_weights_are_one()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(4, Alpha: 0f), seed: 1);
        AddStates(replay, 4);
        replay.UpdatePriorities([0, 1, 2, 3], [100f, 1f, 1f, 1f]);
        var batch = new ReplayBatch(8, 2);
        replay.SampleBatch(batch, 8);
        Assert.All(batch.Weights.Take(8), w => Assert.Equal(1f, w, 5));
    }

    [Fact]
    public void Importance_weights_are_normalised_by_the_maximum()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(4, Alpha: 1f, BetaStart: 1f, PriorityEpsilon: 1e-6f), seed: 2);
        AddStates(replay, 4);
        replay.UpdatePriorities([0, 1, 2, 3], [1f, 1f, 2f, 4f]);
        var batch = new ReplayBatch(64, 2);
        replay.SampleBatch(batch, 64);
        for (var i = 0; i < 64; i++)
        {
            // β = 1: w ∝ 1/p, and the least likely (p = 1) gets weight 1.
            var p = new[] { 1f, 1f, 2f, 4f }[batch.Indices[i]];
            Assert.Equal(1f / p, batch.Weights[i], 4);
        }
    }

    [Fact]
    public void Sampled_rows_carry_the_stored_fields_and_beta_anneals_to_one()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(16, BetaStart: 0.4f, BetaAnnealSamples: 10), seed: 3);
        AddStates(replay, 20); // wraps the ring: slots 0..3 now hold states 16..19
        Assert.Equal(16, replay.Count);
        var batch = new ReplayBatch(4, 2);
        Assert.Equal(0.4f, replay.Beta, 5);
        for (var s = 0; s < 12; s++) replay.SampleBatch(batch, 4);
        Assert.Equal(1f, replay.Beta);
        for (var i = 0; i < 4; i++)
        {
            var slot = batch.Indices[i];
            var k = slot < 4 ? slot + 16 : slot;
            Assert.Equal(new float[] { k, -k }, batch.Observations.AsSpan(i * 2, 2).ToArray());
            Assert.Equal(new float[] { k + 1, -k - 1 }, batch.NextObservations.AsSpan(i * 2, 2).ToArray());
            Assert.Equal(k % 3, batch.Actions[i]);
            Assert.Equal(k * 0.5f, batch.Returns[i]);
            Assert.Equal(k % 7 == 0, batch.Terminated[i]);
            Assert.Equal(0.97f, batch.Discounts[i]);
        }
    }

    [Fact]
    public void New_transitions_get_the_largest_priority_seen()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(8, Alpha: 1f, PriorityEpsilon: 1e-6f), seed: 3);
        AddStates(replay, 2);
        replay.UpdatePriorities([0, 1], [5f, 0.5f]);
        AddStates(replay, 1);
        Assert.Equal(5.0, replay.PriorityOf(2), 4);
    }

    [Fact]
    public void Bad_updates_and_empty_sampling_are_rejected()
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(8), seed: 3);
        Assert.Throws<InvalidOperationException>(() => replay.SampleBatch(new ReplayBatch(2, 2), 2));
        AddStates(replay, 2);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => replay.UpdatePriorities([5], [1f]));
        Assert.Contains("between 0 and 1", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => replay.UpdatePriorities([0], [float.NaN]));
        Assert.Throws<ArgumentException>(() => replay.SampleBatch(new ReplayBatch(2, 3), 2));
    }

    [Fact]
    public void Uniform_replay_samples_every_slot_with_unit_weights()
    {
        var replay = new UniformReplay(2, 10, seed: 4);
        AddStates(replay, 10);
        var batch = new ReplayBatch(100, 2);
        replay.SampleBatch(batch, 100);
        Assert.Equal(10, batch.Indices.Distinct().Count());
        Assert.All(batch.Weights, w => Assert.Equal(1f, w));
    }

    [Fact]
    public void One_million_cartpole_transitions_fit_comfortably()
    {
        // obs + next obs (2·4·4) + action 4 + return 4 + γ^k 4 + terminated 1 = 45 B; the two double-precision
        // trees over 2^20 leaves add 32·1048576/1000000 ≈ 33.6 B per slot.
        Assert.Equal(45, UniformReplay.BytesPerTransition(4));
        Assert.Equal(45 + 32.0 * 1_048_576 / 1_000_000, PrioritizedReplay.BytesPerTransition(4, 1_000_000), 6);
        Assert.True(PrioritizedReplay.BytesPerTransition(4, 1_000_000) * 1_000_000 < 100L * 1024 * 1024);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var replay = new PrioritizedReplay(4, new PrioritizedReplayOptions(1_000_000), seed: 1);
        var after = GC.GetTotalMemory(forceFullCollection: false);
        Assert.True(after - before < 100L * 1024 * 1024, $"1M-slot replay took {after - before} bytes");
        GC.KeepAlive(replay);
    }
}
