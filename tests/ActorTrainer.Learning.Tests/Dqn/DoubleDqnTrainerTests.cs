using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Learning.Tests.Networks;

namespace ActorTrainer.Learning.Tests.Dqn;

public class DoubleDqnTrainerTests
{
    private static readonly NetworkSpec Spec = new(4, 3, [16, 16], dueling: true);

    internal static ReplayBatch RandomBatch(int n, int obsSize, int actions, int seed)
    {
        var rng = new Random(seed);
        var b = new ReplayBatch(n, obsSize);
        for (var i = 0; i < n * obsSize; i++)
        {
            b.Observations[i] = (float)(rng.NextDouble() * 2 - 1);
            b.NextObservations[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        for (var i = 0; i < n; i++)
        {
            b.Actions[i] = rng.Next(actions);
            b.Returns[i] = (float)(rng.NextDouble() * 2);
            b.Terminated[i] = i % 4 == 0;
            b.Discounts[i] = i % 3 == 0 ? 0.9f : 0.729f;
            b.Weights[i] = (float)(0.3 + rng.NextDouble());
        }
        b.Count = n;
        return b;
    }

    private static DoubleDqnTrainer MakeTrainer(DqnTrainerOptions options)
    {
        var t = new DoubleDqnTrainer(Spec, options, seed: 9);
        // A target that differs from the online net, so double-DQN and plain DQN targets disagree.
        var other = QNetwork.Create(Spec, 77);
        other.Parameters.CopyTo(t.Target.Parameters);
        return t;
    }

    [Fact]
    public void Td_errors_and_loss_follow_the_double_dqn_target()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 32, TargetSyncInterval = 1000 });
        var batch = RandomBatch(20, 4, 3, 1);
        var q = new float[3];
        var qt = new float[3];
        var expectedTd = new double[20];
        var preds = new float[20];
        var targets = new float[20];
        var differsFromPlainDqn = 0;
        for (var i = 0; i < 20; i++)
        {
            var next = batch.NextObservations.AsSpan(i * 4, 4);
            trainer.Online.Forward(next, q);
            var best = QNetwork.ArgmaxOf(q);
            trainer.Target.Forward(next, qt);
            var y = batch.Returns[i] + (batch.Terminated[i] ? 0 : batch.Discounts[i] * qt[best]);
            if (!batch.Terminated[i] && QNetwork.ArgmaxOf(qt) != best) differsFromPlainDqn++;
            trainer.Online.Forward(batch.Observations.AsSpan(i * 4, 4), q);
            preds[i] = q[batch.Actions[i]];
            targets[i] = y;
            expectedTd[i] = Math.Abs(q[batch.Actions[i]] - y);
        }
        Assert.True(differsFromPlainDqn > 0, "test batch must contain rows where online argmax ≠ target argmax");
        var expectedLoss = Losses.Huber(preds, targets, batch.Weights.AsSpan(0, 20), 1f, new float[20]);

        var td = new float[20];
        var r = trainer.TrainStep(batch, td);
        Assert.True(r.Applied);
        Assert.Equal(1, r.UpdateCount);
        Assert.Equal(expectedLoss, r.Loss, 4);
        Assert.Equal(preds.Average(), r.MeanQ, 4);
        for (var i = 0; i < 20; i++) Assert.Equal(expectedTd[i], td[i], 4);
        Assert.Equal(expectedTd.Average(), r.MeanAbsTd, 4);
    }

    [Fact]
    public void A_next_action_mask_keeps_the_target_off_forbidden_actions()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 32, TargetSyncInterval = 1000 });
        var batch = RandomBatch(20, 4, 3, 2);
        var q = new float[3];
        var qt = new float[3];
        // The rule reads only the observation, as an environment's would: it forbids the action the online net
        // likes best in s' whenever s'[0] > 0, so those rows must bootstrap from another action.
        var online = QNetwork.Create(Spec, 9);
        trainer.Online.Parameters.CopyTo(online.Parameters);
        ActionMaskFunction rule = (obs, mask) =>
        {
            var scratch = new float[3];
            online.Forward(obs, scratch);
            var best = QNetwork.ArgmaxOf(scratch);
            for (var a = 0; a < 3; a++) mask[a] = !(obs[0] > 0 && a == best);
        };
        var expectedTd = new double[20];
        var changed = 0;
        for (var i = 0; i < 20; i++)
        {
            var next = batch.NextObservations.AsSpan(i * 4, 4);
            trainer.Online.Forward(next, q);
            var unmaskedBest = QNetwork.ArgmaxOf(q);
            var mask = new bool[3];
            rule(next, mask);
            var best = QNetwork.ArgmaxOf(q, mask);
            trainer.Target.Forward(next, qt);
            if (!batch.Terminated[i] && best != unmaskedBest && qt[best] != qt[unmaskedBest]) changed++;
            var y = batch.Returns[i] + (batch.Terminated[i] ? 0 : batch.Discounts[i] * qt[best]);
            trainer.Online.Forward(batch.Observations.AsSpan(i * 4, 4), q);
            expectedTd[i] = Math.Abs(q[batch.Actions[i]] - y);
        }
        Assert.True(changed > 0, "the batch must contain rows whose target the mask changes");

        trainer.NextActionMask = rule;
        var td = new float[20];
        Assert.True(trainer.TrainStep(batch, td).Applied);
        for (var i = 0; i < 20; i++) Assert.Equal(expectedTd[i], td[i], 4);
    }

    [Fact]
    public void Step_gradient_matches_finite_differences_of_the_weighted_loss()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 16, MaxGradientNorm = 0f, Loss = LossKind.SquaredError });
        var batch = RandomBatch(12, 4, 3, 2);
        var before = trainer.Online.Parameters.ToArray().Select(v => (double)v).ToArray();
        // Targets are constants of the online parameters (semi-gradient), computed as in the step.
        var q = new float[3];
        var qt = new float[3];
        var y = new double[12];
        for (var i = 0; i < 12; i++)
        {
            var next = batch.NextObservations.AsSpan(i * 4, 4);
            trainer.Online.Forward(next, q);
            trainer.Target.Forward(next, qt);
            y[i] = batch.Returns[i] + (batch.Terminated[i] ? 0 : batch.Discounts[i] * qt[QNetwork.ArgmaxOf(q)]);
        }
        double Loss(double[] theta)
        {
            var qq = ReferenceNetwork.Forward(Spec, theta, batch.Observations, 12);
            double s = 0;
            for (var i = 0; i < 12; i++)
            {
                var d = qq[i * 3 + batch.Actions[i]] - y[i];
                s += batch.Weights[i] * d * d;
            }
            return s / 12;
        }
        trainer.TrainStep(batch, new float[12]);
        FiniteDifferences.AssertMatches(before, trainer.LastGradients, Loss, Enumerable.Range(0, before.Length), 2e-3, 1e-2);
    }

    [Fact]
    public void Non_finite_loss_is_reported_and_the_step_is_not_applied()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 8 });
        var batch = RandomBatch(8, 4, 3, 3);
        batch.Returns[5] = float.NaN;
        var before = trainer.Online.Parameters.ToArray();
        var td = new float[8];
        var r = trainer.TrainStep(batch, td);
        Assert.False(r.Applied);
        Assert.Contains("loss is not finite", r.Failure);
        Assert.Equal(0, r.UpdateCount);
        Assert.Equal(before, trainer.Online.Parameters.ToArray());
        Assert.Equal(0, trainer.Optimizer.StepCount);

        var huge = RandomBatch(8, 4, 3, 3);
        huge.Observations[0] = float.PositiveInfinity;
        Assert.False(trainer.TrainStep(huge, td).Applied);
        Assert.Equal(before, trainer.Online.Parameters.ToArray());
    }

    [Fact]
    public void Target_is_hard_synced_every_k_updates()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 8, TargetSyncInterval = 3 });
        var initialTarget = trainer.Target.Parameters.ToArray();
        var batch = RandomBatch(8, 4, 3, 4);
        var td = new float[8];
        trainer.TrainStep(batch, td);
        trainer.TrainStep(batch, td);
        Assert.Equal(initialTarget, trainer.Target.Parameters.ToArray());
        trainer.TrainStep(batch, td);
        Assert.Equal(trainer.Online.Parameters.ToArray(), trainer.Target.Parameters.ToArray());
    }

    [Fact]
    public void Polyak_update_blends_the_target_each_step()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 8, PolyakTau = 0.25f });
        var oldTarget = trainer.Target.Parameters.ToArray();
        trainer.TrainStep(RandomBatch(8, 4, 3, 5), new float[8]);
        var online = trainer.Online.Parameters.ToArray();
        var target = trainer.Target.Parameters.ToArray();
        for (var i = 0; i < target.Length; i++) Assert.Equal(0.75f * oldTarget[i] + 0.25f * online[i], target[i], 5);
    }

    [Fact]
    public void Training_on_terminal_transitions_fits_the_returns()
    {
        var trainer = new DoubleDqnTrainer(Spec, new DqnTrainerOptions { MaxBatch = 32, Adam = new AdamOptions(LearningRate: 3e-3f) }, seed: 2);
        var batch = RandomBatch(32, 4, 3, 6);
        Array.Fill(batch.Terminated, true);
        Array.Fill(batch.Weights, 1f);
        var td = new float[32];
        var first = trainer.TrainStep(batch, td).Loss;
        TrainStepResult last = default;
        for (var i = 0; i < 300; i++) last = trainer.TrainStep(batch, td);
        Assert.True(last.Loss < 0.05f * first, $"loss went from {first} to {last.Loss}");
        Assert.True(td.Take(32).Max() < 0.3f);
    }

    [Fact]
    public void Invalid_batches_are_rejected()
    {
        var trainer = MakeTrainer(new DqnTrainerOptions { MaxBatch = 8 });
        var batch = RandomBatch(4, 4, 3, 7);
        batch.Actions[2] = 3;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(batch, new float[4]));
        Assert.Contains("actions are 0..2", ex.Message);
        Assert.Throws<ArgumentException>(() => trainer.TrainStep(RandomBatch(4, 5, 3, 7), new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DqnTrainerOptions { TargetSyncInterval = 0 }.Validate());
    }
}
