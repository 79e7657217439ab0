using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Learning.Tests.Dqn;

namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>Networks that score every action's feature row with one shared MLP (NetworkSpec.ActionFeatures).</summary>
public class PerActionNetworkTests
{
    [Fact]
    public void Every_action_is_scored_by_the_same_weights()
    {
        // Swapping two actions' feature rows swaps exactly their Q-values; equal rows give equal values.
        var spec = new NetworkSpec(4 * 6, 4, [16, 16], dueling: false, actionFeatures: 6);
        var net = QNetwork.Create(spec, 1);
        var x = QNetworkTests.RandomObs(24, 4);
        var q = new float[4];
        net.Forward(x, q);
        var swapped = (float[])x.Clone();
        x.AsSpan(0, 6).CopyTo(swapped.AsSpan(18, 6));
        x.AsSpan(18, 6).CopyTo(swapped.AsSpan(0, 6));
        x.AsSpan(6, 6).CopyTo(swapped.AsSpan(12, 6));
        var qs = new float[4];
        net.Forward(swapped, qs);
        Assert.Equal(q[3], qs[0]);
        Assert.Equal(q[0], qs[3]);
        Assert.Equal(q[1], qs[1]);
        Assert.Equal(qs[1], qs[2]);
        Assert.NotEqual(q[0], q[3]);
    }

    [Fact]
    public void Single_rows_give_the_values_of_the_full_pass_and_their_gradient_matches_finite_differences()
    {
        var spec = new NetworkSpec(6 * 5, 6, [12, 10], dueling: false, actionFeatures: 5);
        var net = QNetwork.Create(spec, 8);
        const int batch = 9;
        var x = QNetworkTests.RandomObs(batch * spec.ObservationSize, 3);
        var full = new float[batch * 6];
        net.ForwardBatch(x, batch, new QNetworkWorkspace(spec, batch), full);

        var chosen = Enumerable.Range(0, batch).Select(i => (i * 5 + 2) % 6).ToArray();
        var rows = new float[batch * 5];
        for (var i = 0; i < batch; i++) x.AsSpan(i * 30 + chosen[i] * 5, 5).CopyTo(rows.AsSpan(i * 5, 5));
        var ws = new QNetworkWorkspace(spec, batch);
        var q = new float[batch];
        net.ForwardRows(rows, batch, ws, q);
        for (var i = 0; i < batch; i++) Assert.Equal(full[i * 6 + chosen[i]], q[i], 5);

        var c = Enumerable.Range(0, batch).Select(i => (float)Math.Sin(i + 1)).ToArray();
        net.BackwardRows(c, batch, ws);
        var analytic = ws.Gradients.ToArray();
        var p = net.Parameters.ToArray().Select(v => (double)v).ToArray();
        // Σ c_i Q(s_i, chosen_i): the one-action spec reads the gathered rows as observations of a single action.
        var oneAction = new NetworkSpec(5, 1, [12, 10], dueling: false, actionFeatures: 5);
        double Loss(double[] theta)
        {
            var qq = ReferenceNetwork.Forward(oneAction, theta, rows, batch);
            return qq.Select((v, i) => c[i] * v).Sum();
        }
        FiniteDifferences.AssertMatches(p, analytic, Loss, Enumerable.Range(0, p.Length), 2e-3, 1e-3);

        var plain = QNetwork.Create(new NetworkSpec(4, 2, [8], dueling: false), 1);
        var ex = Assert.Throws<InvalidOperationException>(() => plain.ForwardRows(new float[4], 1, new QNetworkWorkspace(plain.Spec, 1), new float[1]));
        Assert.Contains("per-action", ex.Message);
        ex = Assert.Throws<InvalidOperationException>(() => net.BackwardRows(c, batch - 1, ws));
        Assert.Contains("holds 9 rows", ex.Message);
    }

    [Fact]
    public void The_train_step_on_gathered_rows_follows_the_double_dqn_definition()
    {
        // The trainer runs the target and the prediction on one gathered row per transition; its TD errors and its
        // gradient must equal those of the definition computed on whole observations.
        var spec = new NetworkSpec(5 * 4, 5, [16, 12], dueling: false, actionFeatures: 4);
        var trainer = new DoubleDqnTrainer(spec, new DqnTrainerOptions { MaxBatch = 16, MaxGradientNorm = 0f, Loss = LossKind.SquaredError }, seed: 4);
        QNetwork.Create(spec, 77).Parameters.CopyTo(trainer.Target.Parameters);
        const int n = 12;
        var batch = DoubleDqnTrainerTests.RandomBatch(n, spec.ObservationSize, 5, 6);
        var theta = trainer.Online.Parameters.ToArray().Select(v => (double)v).ToArray();
        var target = trainer.Target.Parameters.ToArray().Select(v => (double)v).ToArray();
        var qNextOnline = ReferenceNetwork.Forward(spec, theta, batch.NextObservations, n);
        var qNextTarget = ReferenceNetwork.Forward(spec, target, batch.NextObservations, n);
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var best = Enumerable.Range(0, 5).MaxBy(a => qNextOnline[i * 5 + a]);
            y[i] = batch.Returns[i] + (batch.Terminated[i] ? 0 : batch.Discounts[i] * qNextTarget[i * 5 + best]);
        }
        double Loss(double[] p)
        {
            var q = ReferenceNetwork.Forward(spec, p, batch.Observations, n);
            double s = 0;
            for (var i = 0; i < n; i++)
            {
                var d = q[i * 5 + batch.Actions[i]] - y[i];
                s += batch.Weights[i] * d * d;
            }
            return s / n;
        }
        var q0 = ReferenceNetwork.Forward(spec, theta, batch.Observations, n);

        var td = new float[n];
        Assert.True(trainer.TrainStep(batch, td).Applied);
        for (var i = 0; i < n; i++) Assert.Equal(Math.Abs(q0[i * 5 + batch.Actions[i]] - y[i]), td[i], 4);
        FiniteDifferences.AssertMatches(theta, trainer.LastGradients, Loss, Enumerable.Range(0, theta.Length), 2e-3, 1e-2);
    }

    [Fact]
    public void A_train_step_lowers_the_loss_on_a_fixed_batch()
    {
        var spec = new NetworkSpec(5 * 8, 5, [32, 32], dueling: false, actionFeatures: 8);
        var trainer = new DoubleDqnTrainer(spec, new DqnTrainerOptions { MaxBatch = 32, TargetSyncInterval = 1_000_000 }, seed: 2);
        var batch = DoubleDqnTrainerTests.RandomBatch(32, spec.ObservationSize, 5, 3);
        var td = new float[32];
        var first = trainer.TrainStep(batch, td);
        TrainStepResult last = first;
        for (var i = 0; i < 600; i++) last = trainer.TrainStep(batch, td);
        Assert.True(first.Applied && last.Applied);
        Assert.True(last.Loss < first.Loss * 0.5f, $"loss {first.Loss} -> {last.Loss}");
    }

    [Fact]
    public void Model_file_round_trip_keeps_the_per_action_shape()
    {
        var spec = new NetworkSpec(40 * 19, 40, [64, 64], dueling: false, actionFeatures: 19);
        var net = QNetwork.Create(spec, 7);
        var bytes = ModelFile.Serialize(net, new ModelMetadata("Tetris-v0", 12, 140.5));
        var loaded = ModelFile.Deserialize(bytes);
        Assert.Equal(spec, loaded.Network.Spec);
        Assert.Equal(net.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal("19", loaded.RawMetadata["action_features"]);
        Assert.Equal("760", loaded.RawMetadata["obs_size"]);
        // The tensors are those of one 19-64-64-1 MLP, as PyTorch would hold them.
        Assert.Equal(new[] { 64, 19 }, spec.Tensors[0].Shape);
        Assert.Equal(new[] { 1, 64 }, spec.Tensors[^2].Shape);

        var snapshot = ModelFile.DeserializeSnapshot(ModelFile.SerializeSnapshot(net.Snapshot(31)));
        Assert.Equal(31, snapshot.Version);
        Assert.Equal(spec, snapshot.Spec);
    }

    [Fact]
    public void A_per_action_file_without_its_action_count_or_with_a_wide_head_is_rejected()
    {
        var spec = new NetworkSpec(3 * 4, 3, [8], dueling: false, actionFeatures: 4);
        var raw = SafetensorsFile.Deserialize(ModelFile.Serialize(QNetwork.Create(spec, 1)), "x");
        var noCount = new Dictionary<string, string>(raw.Metadata);
        noCount.Remove("action_count");
        var ex = Assert.Throws<SafetensorsFormatException>(() => ModelFile.Deserialize(SafetensorsFile.Serialize(raw.Tensors.ToList(), noCount), "m"));
        Assert.Contains("action_count", ex.Message);

        // A whole-observation network's file that claims to be per-action: its head has one row per action.
        var plain = QNetwork.Create(new NetworkSpec(4, 3, [8], dueling: false), 1);
        var plainRaw = SafetensorsFile.Deserialize(ModelFile.Serialize(plain), "p");
        var claim = new Dictionary<string, string>(plainRaw.Metadata) { ["action_features"] = "4", ["obs_size"] = "12" };
        ex = Assert.Throws<SafetensorsFormatException>(() => ModelFile.Deserialize(SafetensorsFile.Serialize(plainRaw.Tensors.ToList(), claim), "m"));
        Assert.Contains("head.weight [1, 8]", ex.Message);
    }

    [Fact]
    public void Inconsistent_per_action_specs_say_what_is_required()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkSpec(50, 40, [64], dueling: false, actionFeatures: 19));
        Assert.Contains("must be 760, got 50", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new NetworkSpec(760, 40, [64], dueling: true, actionFeatures: 19));
        Assert.Contains("dueling must be false", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkSpec(4, 2, [8], dueling: false, actionFeatures: -1));
        Assert.NotEqual(new NetworkSpec(760, 40, [64], false, 19), new NetworkSpec(760, 40, [64], false));
    }

    [Fact]
    public void One_action_values_equal_the_full_forward_for_both_kinds_of_network()
    {
        foreach (var spec in new[] { new NetworkSpec(7 * 3, 7, [10], dueling: false, actionFeatures: 3), new NetworkSpec(5, 4, [9, 6], dueling: true) })
        {
            var net = QNetwork.Create(spec, 2);
            var x = QNetworkTests.RandomObs(spec.ObservationSize, 5);
            var q = new float[spec.ActionCount];
            net.Forward(x, q);
            for (var a = 0; a < spec.ActionCount; a++) Assert.Equal(q[a], net.QValue(x, a), 5);
        }
    }

    [Fact]
    public void Single_forward_one_action_values_and_train_steps_allocate_nothing()
    {
        var spec = new NetworkSpec(40 * 19, 40, [64, 64], dueling: false, actionFeatures: 19);
        var trainer = new DoubleDqnTrainer(spec, new DqnTrainerOptions { MaxBatch = 32 }, seed: 1)
        {
            NextActionMask = (obs, mask) => { for (var a = 0; a < 40; a++) mask[a] = obs[a * 19] > 0; },
        };
        var net = trainer.Online;
        var batch = DoubleDqnTrainerTests.RandomBatch(32, spec.ObservationSize, 40, 3);
        var td = new float[32];
        var x = QNetworkTests.RandomObs(spec.ObservationSize, 2);
        var q = new float[40];
        void Round()
        {
            net.Forward(x, q);
            net.QValue(x, 7);
            trainer.TrainStep(batch, td);
        }
        for (var i = 0; i < 10; i++) Round();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
