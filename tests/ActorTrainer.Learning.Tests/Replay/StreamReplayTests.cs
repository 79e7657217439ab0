using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Replay;

/// <summary>
/// Observations carry their identity (stream, position), so every sampled row can be checked against the transition
/// that was added: the right observation, the right next observation, the right fields.
/// </summary>
public class StreamReplayTests
{
    private const int Obs = 3;

    private static float[] Row(int stream, long position) => [stream, position, stream * 1000 + position * 0.5f];

    private static float[] Rows(int stream, long first, int count)
    {
        var rows = new float[count * Obs];
        for (var i = 0; i < count; i++) Row(stream, first + i).CopyTo(rows, i * Obs);
        return rows;
    }

    // What a transition from (stream, position) carries, so a sampled row can be recomputed from its observation alone.
    private static int ActionOf(int stream, long from) => (int)((from + stream) % 4);
    private static float ReturnOf(int stream, long from) => stream + from * 0.25f;

    private static void AssertRowsAreTheAddedTransitions(ReplayBatch batch, Func<int, long, long> nextOf, Func<int, long, float> discountOf)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var stream = (int)batch.Observations[i * Obs];
            var from = (long)batch.Observations[i * Obs + 1];
            Assert.Equal(Row(stream, from), batch.Observations.AsSpan(i * Obs, Obs).ToArray());
            Assert.Equal(Row(stream, nextOf(stream, from)), batch.NextObservations.AsSpan(i * Obs, Obs).ToArray());
            Assert.Equal(ActionOf(stream, from), batch.Actions[i]);
            Assert.Equal(ReturnOf(stream, from), batch.Returns[i]);
            Assert.Equal(discountOf(stream, from), batch.Discounts[i]);
            Assert.Equal(batch.Discounts[i] == 0, batch.Terminated[i]);
        }
    }

    [Fact]
    public void Interleaved_streams_sample_their_own_next_observations_across_many_ring_wraps()
    {
        const int capacity = 50, n = 3;
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(capacity), seed: 1);
        var batch = new ReplayBatch(32, Obs);
        long[] next = [0, 0];
        var rng = new Random(4);
        // Two streams send batches of uneven size in turn; each transition from p completes when p + n arrives.
        for (var round = 0; round < 40; round++)
        {
            for (var s = 0; s < 2; s++)
            {
                var count = 1 + rng.Next(7);
                replay.AddObservations(s, next[s], Rows(s, next[s], count));
                next[s] += count;
                for (var p = next[s] - count - n; p < next[s] - n; p++)
                {
                    if (p < 0) continue;
                    Assert.True(replay.AddTransition(s, p, p + n, ActionOf(s, p), ReturnOf(s, p), 0.97f, tdError: 1f + p % 5));
                }
            }
            replay.SampleBatch(batch, 32);
            AssertRowsAreTheAddedTransitions(batch, (_, from) => from + n, (_, _) => 0.97f);
        }
        Assert.True(replay.ObservationsAdded > 5 * capacity, "the ring must have wrapped several times");
        // Every live transition's next observation is later in its stream, so only the newest n per stream lack one.
        Assert.InRange(replay.Count, capacity - 2 * n, capacity);
        Assert.Equal(0, replay.Dropped);
    }

    [Fact]
    public void Episode_ends_point_at_their_own_final_observation_and_terminations_do_not_bootstrap()
    {
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(64), seed: 2);
        // Stream 7: observations 0..4 are an episode's steps, 5 its final observation (terminated), 6.. the next episode,
        // which is truncated with final observation 9.
        replay.AddObservations(7, 0, Rows(7, 0, 10));
        // n = 2 at the end of the first episode: 3 -> 5 after 2 steps, 4 -> 5 after 1 (terminated, discount 0).
        Assert.True(replay.AddTransition(7, 2, 4, ActionOf(7, 2), ReturnOf(7, 2), 0.98f, 1f));
        Assert.True(replay.AddTransition(7, 3, 5, ActionOf(7, 3), ReturnOf(7, 3), 0f, 1f));
        Assert.True(replay.AddTransition(7, 4, 5, ActionOf(7, 4), ReturnOf(7, 4), 0f, 1f));
        // Truncated: bootstraps from the final observation 9 with γ^k.
        Assert.True(replay.AddTransition(7, 7, 9, ActionOf(7, 7), ReturnOf(7, 7), 0.98f, 1f));
        Assert.True(replay.AddTransition(7, 8, 9, ActionOf(7, 8), ReturnOf(7, 8), 0.99f, 1f));
        Assert.Equal(5, replay.Count);

        var expectedNext = new Dictionary<long, long> { [2] = 4, [3] = 5, [4] = 5, [7] = 9, [8] = 9 };
        var expectedDiscount = new Dictionary<long, float> { [2] = 0.98f, [3] = 0f, [4] = 0f, [7] = 0.98f, [8] = 0.99f };
        var batch = new ReplayBatch(64, Obs);
        var seen = new HashSet<long>();
        for (var k = 0; k < 20; k++)
        {
            replay.SampleBatch(batch, 64);
            AssertRowsAreTheAddedTransitions(batch, (_, from) => expectedNext[from], (_, from) => expectedDiscount[from]);
            for (var i = 0; i < batch.Count; i++) seen.Add((long)batch.Observations[i * Obs + 1]);
        }
        // Final observations (5, 9) and observations whose transition never came (0, 1, 5, 6) are never sampled.
        Assert.Equal(new long[] { 2, 3, 4, 7, 8 }, seen.Order().ToArray());
    }

    [Fact]
    public void A_transition_whose_observation_was_overwritten_is_dropped_and_an_overwritten_slot_leaves_the_sampling()
    {
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(8), seed: 3);
        replay.AddObservations(1, 0, Rows(1, 0, 6));
        Assert.True(replay.AddTransition(1, 0, 1, ActionOf(1, 0), ReturnOf(1, 0), 0.9f, 1f));
        replay.AddObservations(1, 6, Rows(1, 6, 5)); // 11 observations in 8 slots: 0, 1 and 2 are gone
        Assert.Equal(0, replay.Count);
        Assert.False(replay.AddTransition(1, 2, 4, ActionOf(1, 2), ReturnOf(1, 2), 0.9f, 1f));
        Assert.False(replay.AddTransition(1, 20, 21, 0, 0f, 0.9f, 1f)); // never sent
        Assert.False(replay.AddTransition(2, 3, 4, 0, 0f, 0.9f, 1f)); // unknown stream
        Assert.Equal(3, replay.Dropped);
        Assert.True(replay.AddTransition(1, 3, 5, ActionOf(1, 3), ReturnOf(1, 3), 0.9f, 1f));
        Assert.Equal(1, replay.Count);

        // A priority update for a slot whose transition left meanwhile must not make it sampleable again.
        var slotOfZero = 0;
        replay.UpdatePriorities([slotOfZero], [5f]);
        Assert.Equal(0, replay.PriorityOf(slotOfZero));
        var batch = new ReplayBatch(16, Obs);
        replay.SampleBatch(batch, 16);
        AssertRowsAreTheAddedTransitions(batch, (_, _) => 5, (_, _) => 0.9f);
    }

    [Fact]
    public void A_stream_that_numbers_from_zero_again_starts_over()
    {
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(32), seed: 4);
        replay.AddObservations(3, 0, Rows(3, 0, 10));
        // The producer restarted: position 2 now names a new observation (its row says stream 3, position 2 again,
        // but written second, so it sits at global index 12).
        var rows = Rows(3, 0, 4);
        rows[2 * Obs + 2] = -1; // mark the new observation 2
        replay.AddObservations(3, 0, rows);
        Assert.True(replay.AddTransition(3, 2, 3, 0, 0f, 0.9f, 1f));
        var batch = new ReplayBatch(4, Obs);
        replay.SampleBatch(batch, 4);
        for (var i = 0; i < 4; i++) Assert.Equal(-1, batch.Observations[i * Obs + 2]);
        // The old numbering is forgotten: position 7 was only sent before the restart.
        Assert.False(replay.AddTransition(3, 7, 8, 0, 0f, 0.9f, 1f));
    }

    [Fact]
    public void Sampling_is_proportional_to_priority_and_weights_use_the_smallest_stored_priority()
    {
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(64, Alpha: 1f, BetaStart: 1f), seed: 5);
        replay.AddObservations(0, 0, Rows(0, 0, 40)); // 38 slots without a transition must not count
        Assert.True(replay.AddTransition(0, 0, 1, 0, 0f, 0.9f, tdError: 1f));
        Assert.True(replay.AddTransition(0, 1, 2, 1, 0f, 0.9f, tdError: 3f));
        var batch = new ReplayBatch(1000, Obs);
        replay.SampleBatch(batch, 1000);
        var ones = batch.Actions.Count(a => a == 1);
        Assert.InRange(ones, 700, 800); // 3 : 1
        // w = (N·P)^−β / max w, with β = 1: the rarer transition has weight 1, the other (1/4)/(3/4) = 1/3.
        for (var i = 0; i < 1000; i++) Assert.Equal(batch.Actions[i] == 0 ? 1f : 1f / 3, batch.Weights[i], 4);
    }

    [Fact]
    public void Save_and_restore_reproduce_the_contents_and_the_sampling()
    {
        var options = new PrioritizedReplayOptions(20);
        var a = new StreamReplay(Obs, options, seed: 6);
        a.AddObservations(0, 0, Rows(0, 0, 30));
        for (var p = 12; p < 28; p++) Assert.True(a.AddTransition(0, p, p + 2, ActionOf(0, p), ReturnOf(0, p), 0.9f, p % 3));
        var bytes = new MemoryStream();
        a.Save(bytes);
        var b = new StreamReplay(Obs, options, seed: 6);
        b.Restore(new MemoryStream(bytes.ToArray()));
        Assert.Equal((a.Count, a.TotalAdded, a.ObservationsAdded), (b.Count, b.TotalAdded, b.ObservationsAdded));
        var ba = new ReplayBatch(8, Obs);
        var bb = new ReplayBatch(8, Obs);
        a.SampleBatch(ba, 8);
        b.SampleBatch(bb, 8);
        Assert.Equal(ba.Observations, bb.Observations);
        Assert.Equal(ba.NextObservations, bb.NextObservations);
        Assert.Equal(ba.Weights, bb.Weights);
        AssertRowsAreTheAddedTransitions(bb, (_, from) => from + 2, (_, _) => 0.9f);

        var wrong = new StreamReplay(Obs + 1, options, seed: 6);
        Assert.Contains("observation values", Assert.Throws<InvalidDataException>(() => wrong.Restore(new MemoryStream(bytes.ToArray()))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => b.Restore(new MemoryStream(bytes.ToArray()[..^9]))).Message);
    }

    [Fact]
    public void Bad_arguments_say_what_is_allowed()
    {
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(8), seed: 7);
        Assert.Contains("multiple of 3", Assert.Throws<ArgumentException>(() => replay.AddObservations(0, 0, new float[4])).Message);
        replay.AddObservations(0, 0, Rows(0, 0, 2));
        Assert.Contains("later observation", Assert.Throws<ArgumentException>(() => replay.AddTransition(0, 1, 1, 0, 0f, 0.9f, 1f)).Message);
        Assert.Contains("discount", Assert.Throws<ArgumentOutOfRangeException>(() => replay.AddTransition(0, 0, 1, 0, 0f, 1.5f, 1f)).Message);
        Assert.Contains("no transitions", Assert.Throws<InvalidOperationException>(() => replay.SampleBatch(new ReplayBatch(2, Obs), 2)).Message);
    }
}
