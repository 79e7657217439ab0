using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>Small configurations and hand-made messages, so protocol tests run in milliseconds.</summary>
internal static class Small
{
    public static TrainingConfig CartPole(string runDir = "runs") => TrainingDefaults.For("CartPole-v1") with
    {
        Runners = 2,
        EnvsPerRunner = 4,
        ChunkSteps = 8,
        Hidden = [32, 32],
        BatchSize = 32,
        MinReplay = 200,
        ExperienceBatch = 32,
        PublishInterval = 5,
        TargetSyncInterval = 50,
        EvalEpisodes = 3,
        SolveEpisodes = 10,
        RunDir = runDir,
    };

    public static TrainingSetup Setup(TrainingConfig config, EnvironmentRegistry? registry = null)
    {
        registry ??= EnvironmentRegistry.Default;
        var spec = registry.GetSpec(config.Env);
        var network = TrainingEnvironment.NetworkSpec(registry, config);
        return new TrainingSetup(network, spec.RewardThreshold ?? double.PositiveInfinity, registry, null);
    }

    public static WeightsSnapshot Weights(NetworkSpec spec, int seed, long version) => QNetwork.Create(spec, seed).Snapshot(version);

    /// <summary>A well-formed batch of <paramref name="count"/> random transitions: a chain over count + 1 observations of a fresh stream.</summary>
    public static ExperienceBatch Batch(NetworkSpec spec, int count, int seed = 1, int runnerId = 0)
    {
        var rng = new Random(seed);
        var o = spec.ObservationSize;
        var obs = new float[(count + 1) * o];
        for (var i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 2 - 1);
        var from = new long[count];
        var to = new long[count];
        var actions = new int[count];
        var returns = new float[count];
        var discounts = new float[count];
        var priorities = new float[count];
        for (var i = 0; i < count; i++)
        {
            from[i] = i;
            to[i] = i + 1;
            actions[i] = rng.Next(spec.ActionCount);
            returns[i] = (float)rng.NextDouble() * 3;
            discounts[i] = i % 10 == 9 ? 0f : 0.97f;
            priorities[i] = 0.5f + (float)rng.NextDouble();
        }
        return new ExperienceBatch(runnerId, 0, count, o, 0, count + 1, obs, from, to, actions, returns, discounts, priorities);
    }

    /// <summary>Fills a learner's lent buffers with a valid batch, as the ReplayBuffer would.</summary>
    public static void Fill(SampleBuffers buffers, NetworkSpec spec, int seed, float? returnValue = null)
    {
        var batch = buffers.Batch;
        var rng = new Random(seed);
        var n = batch.Capacity;
        batch.Count = n;
        for (var i = 0; i < n * batch.ObservationSize; i++)
        {
            batch.Observations[i] = (float)(rng.NextDouble() * 2 - 1);
            batch.NextObservations[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        for (var i = 0; i < n; i++)
        {
            batch.Actions[i] = rng.Next(spec.ActionCount);
            batch.Returns[i] = returnValue ?? (float)rng.NextDouble();
            batch.Terminated[i] = i % 10 == 9;
            batch.Discounts[i] = batch.Terminated[i] ? 0f : 0.97f;
            batch.Weights[i] = 1f;
            batch.Indices[i] = i;
        }
    }

    public static bool SameExperience(ExperienceBatch a, ExperienceBatch b)
    {
        int n = a.Count, o = a.ObservationCount * a.ObservationSize;
        return n == b.Count && a.WeightsVersion == b.WeightsVersion
            && a.FirstObservation == b.FirstObservation && a.ObservationCount == b.ObservationCount
            && a.Observations.AsSpan(0, o).SequenceEqual(b.Observations.AsSpan(0, o))
            && a.From.AsSpan(0, n).SequenceEqual(b.From.AsSpan(0, n)) && a.To.AsSpan(0, n).SequenceEqual(b.To.AsSpan(0, n))
            && a.Actions.AsSpan(0, n).SequenceEqual(b.Actions.AsSpan(0, n)) && a.Returns.AsSpan(0, n).SequenceEqual(b.Returns.AsSpan(0, n))
            && a.Discounts.AsSpan(0, n).SequenceEqual(b.Discounts.AsSpan(0, n)) && a.Priorities.AsSpan(0, n).SequenceEqual(b.Priorities.AsSpan(0, n));
    }
}
