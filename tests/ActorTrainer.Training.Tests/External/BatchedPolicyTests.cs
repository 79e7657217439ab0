using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.External;

namespace ActorTrainer.Training.Tests.External;

/// <summary>Batched acting and the action gate's paths: allow, veto with replacement, expected reward, agreement rate.</summary>
public sealed class BatchedPolicyTests
{
    private static readonly NetworkSpec Spec = new(4, 3, [16], false);

    private static WeightsSnapshot Weights(long version) => QNetwork.Create(Spec, 5).Snapshot(version);

    /// <summary>Vetoes one action everywhere and expects reward 2 for the others; counts its calls.</summary>
    private sealed class NoActionGate(int forbidden) : IActionGate
    {
        public int Calls;

        public GateVerdict Check(ReadOnlySpan<float> observation, int action)
        {
            Calls++;
            return action == forbidden ? GateVerdict.Veto : new GateVerdict(true, 2.0);
        }
    }

    private static int Greedy(WeightsSnapshot w, float[] obs)
    {
        var net = new QNetwork(Spec);
        net.CopyFrom(w);
        var q = new float[Spec.ActionCount];
        net.Forward(obs, q);
        return QNetwork.ArgmaxOf(q);
    }

    private static float[] Ranked(WeightsSnapshot w, float[] obs)
    {
        var net = new QNetwork(Spec);
        net.CopyFrom(w);
        var q = new float[Spec.ActionCount];
        net.Forward(obs, q);
        return q;
    }

    [Fact]
    public async Task Many_concurrent_requests_share_forward_passes_and_get_the_greedy_action()
    {
        var policy = new BatchedPolicy(Spec, 64, gate: null, seed: 1);
        var w = Weights(3);
        var rng = new Random(2);
        var observations = Enumerable.Range(0, 256).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var start = new ManualResetEventSlim();
        var tasks = observations.Select(o => Task.Run(async () =>
        {
            start.Wait();
            return await policy.ChooseAsync(new ActRequest(o, null, 0, w));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        for (var i = 0; i < observations.Length; i++) Assert.Equal(Greedy(w, observations[i]), results[i].Action);
        Assert.Equal(256, policy.Requests);
        Assert.True(policy.Passes <= 256);
    }

    [Fact]
    public async Task A_vetoed_action_is_replaced_by_the_best_allowed_one_and_agreement_is_counted()
    {
        var w = Weights(1);
        var obs = new[] { 0.3f, -0.2f, 0.8f, 0.1f };
        var q = Ranked(w, obs);
        var best = QNetwork.ArgmaxOf(q);
        var second = Enumerable.Range(0, 3).Where(a => a != best).OrderByDescending(a => q[a]).First();
        var gate = new NoActionGate(forbidden: best);
        var policy = new BatchedPolicy(Spec, 8, gate, seed: 1);

        var r = await policy.ChooseAsync(new ActRequest(obs, null, 0, w));
        Assert.Equal(second, r.Action);
        Assert.Equal(2.0, r.ExpectedReward);
        Assert.Equal(0.0, policy.Agreement.Rate);

        var allowedGate = new NoActionGate(forbidden: -1);
        var allowingPolicy = new BatchedPolicy(Spec, 8, allowedGate, seed: 1);
        var a = await allowingPolicy.ChooseAsync(new ActRequest(obs, null, 0, w));
        Assert.Equal(best, a.Action);
        Assert.Equal(1.0, allowingPolicy.Agreement.Rate);
    }

    [Fact]
    public async Task The_replacement_respects_the_action_mask()
    {
        var w = Weights(1);
        var obs = new[] { 0.3f, -0.2f, 0.8f, 0.1f };
        var q = Ranked(w, obs);
        var order = Enumerable.Range(0, 3).OrderByDescending(a => q[a]).ToArray();
        var mask = new bool[3];
        mask[order[0]] = true;
        mask[order[2]] = true; // the second best is masked out
        var policy = new BatchedPolicy(Spec, 8, new NoActionGate(forbidden: order[0]), seed: 1);
        var r = await policy.ChooseAsync(new ActRequest(obs, mask, 0, w));
        Assert.Equal(order[2], r.Action);
    }

    [Fact]
    public void Sampled_batches_are_rechecked_skip_zeroes_the_weight_and_penalty_lowers_the_return()
    {
        var batch = new ActorTrainer.Learning.Replay.ReplayBatch(3, 4) { Count = 3 };
        batch.Actions[0] = 0; batch.Actions[1] = 1; batch.Actions[2] = 2;
        for (var i = 0; i < 3; i++) { batch.Weights[i] = 1; batch.Returns[i] = 5; }

        var skip = new GateBatchCheck(new NoActionGate(forbidden: 1), GateDisagreement.Skip, 1.0);
        skip.Apply(batch);
        Assert.Equal([1f, 0f, 1f], batch.Weights);
        Assert.Equal([5f, 5f, 5f], batch.Returns);
        Assert.Equal(1, skip.Disagreements);
        Assert.Equal(2.0 / 3, skip.Agreement.Rate!.Value, 6);

        for (var i = 0; i < 3; i++) batch.Weights[i] = 1;
        var penalty = new GateBatchCheck(new NoActionGate(forbidden: 2), GateDisagreement.Penalty, 1.5);
        penalty.Apply(batch);
        Assert.Equal([1f, 1f, 1f], batch.Weights);
        Assert.Equal([5f, 5f, 3.5f], batch.Returns);

        var bad = Assert.Throws<ArgumentException>(() => new GateBatchCheck(new NoActionGate(0), "ignore", 1));
        Assert.Contains("skip, penalty", bad.Message);
    }
}
