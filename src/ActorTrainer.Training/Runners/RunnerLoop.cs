using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// A runner's work without the actor: steps its vector environment with the epsilon-greedy policy, records n-step
/// experience with Ape-X priorities, and counts episodes. The EpisodeRunner actor drives it in chunks between
/// messages; `bench rollout` drives it in a plain loop to measure what the actor costs.
/// </summary>
public sealed class RunnerLoop
{
    private readonly int _id;
    private readonly VectorEnvironment _envs;
    private readonly VectorStepBuffers _step;
    private readonly QNetwork _policy;
    private readonly ExperienceRecorder _batch;
    private readonly int[] _actions;
    private readonly double[] _epsilon;
    private readonly double _epsilonBase;
    private readonly double _epsilonAlpha;
    private readonly double[] _episodeReturn;
    private readonly int[] _episodeLength;
    private readonly int[] _episodeLines;
    private readonly Random _random;

    public RunnerLoop(int id, TrainingConfig config, TrainingSetup setup)
    {
        _id = id;
        var spec = setup.NetworkSpec;
        var envCount = config.EnvsPerRunner;
        _envs = VectorEnvironment.Make(setup.Registry, config.Env, envCount, TrainingEnvironment.Options(config));
        _step = _envs.CreateBuffers();
        _policy = new QNetwork(spec);
        _batch = new ExperienceRecorder(id, spec, envCount, config.NSteps, (float)config.Gamma, config.ExperienceBatch, _policy,
            nextMask: ObservationMasks.For(setup.Registry, config));
        _actions = new int[envCount];
        _epsilon = new double[envCount];
        _epsilonBase = config.EpsilonBase;
        _epsilonAlpha = config.EpsilonAlpha;
        for (var i = 0; i < envCount; i++) _epsilon[i] = EpisodeRunner.EpsilonFor(id, i, config);
        _episodeReturn = new double[envCount];
        _episodeLength = new int[envCount];
        _episodeLines = new int[envCount];
        // Distinct, reproducible streams per runner. A restarted runner starts again from the same seed; its
        // experience differs anyway because it acts with newer weights.
        var seed = unchecked(config.Seed * 1_000_003 + id * 7919);
        _random = new Random(seed);
        _envs.Reset(seed, _step.Observations);
        _batch.Begin(_step.Observations);
    }

    public long EnvSteps { get; private set; }
    public long Episodes { get; private set; }

    /// <summary>The weights version the policy acts with; -1 before the first weights.</summary>
    public long WeightsVersion { get; private set; } = -1;

    /// <summary>Acts with <paramref name="weights"/> from now on; the batch being filled keeps the version it began with.</summary>
    public void AdoptWeights(WeightsSnapshot weights)
    {
        _policy.CopyFrom(weights);
        WeightsVersion = weights.Version;
        _batch.WeightsVersion = weights.Version;
        _batch.Refresh(_step.Observations);
    }

    /// <summary>Epsilon of env slot <paramref name="slot"/> (for tests and status).</summary>
    public double EpsilonOf(int slot) => _epsilon[slot];

    /// <summary>
    /// Takes places <paramref name="firstSlot"/>.. of an epsilon ladder of <paramref name="ladderSize"/> env slots (the
    /// pool's <see cref="LadderPlace"/>). Null when taken; otherwise why not, and the epsilons stay as they were.
    /// </summary>
    public string? TakeLadderPlace(int firstSlot, int ladderSize)
    {
        if (ladderSize < 1 || firstSlot < 0 || (long)firstSlot + _epsilon.Length > ladderSize)
            return $"ladder place {firstSlot} of {ladderSize} env slots cannot hold runner {_id}'s {_epsilon.Length} envs; expected 0 <= first and first + {_epsilon.Length} <= ladder size";
        for (var i = 0; i < _epsilon.Length; i++) _epsilon[i] = ApexEpsilon.For(firstSlot + i, ladderSize, _epsilonBase, _epsilonAlpha);
        return null;
    }

    /// <summary>The experience recorded so far, if any (an episode boundary or a version change may leave a partial batch).</summary>
    public ExperienceBatch? TakeBatch() => _batch.HasExperience ? _batch.Build() : null;

    public Frame Render() => _envs[0].Render();

    /// <summary>One step of every environment.</summary>
    public void StepOnce(IRunnerLoopSink sink)
    {
        var obsSize = _envs.ObservationSize;
        var actionCount = _envs.ActionSpace.N;
        var n = _envs.Count;
        if (_envs.HasActionMask) _envs.GetActionMasks(_step.ActionMasks);

        for (var i = 0; i < n; i++)
        {
            var mask = _envs.HasActionMask ? _step.ActionMasks.AsSpan(i * actionCount, actionCount) : default;
            _actions[i] = _random.NextDouble() < _epsilon[i]
                ? RandomAction(mask, actionCount)
                : QNetwork.ArgmaxOf(_batch.QValues(i), mask);
        }

        _envs.Step(_actions, _step);
        EnvSteps += n;

        for (var i = 0; i < n; i++)
        {
            var terminated = _step.Terminated[i];
            var truncated = _step.Truncated[i];
            var done = terminated || truncated;
            _batch.Record(i, _actions[i], _step.Rewards[i], terminated, truncated, _step.Observations.AsSpan(i * obsSize, obsSize),
                done ? _step.FinalObservations.AsSpan(i * obsSize, obsSize) : default);
            _episodeReturn[i] += _step.Rewards[i];
            _episodeLength[i]++;
            _episodeLines[i] += _step.LinesCleared[i];
            if (done)
            {
                Episodes++;
                sink.OnEpisodeFinished(new EpisodeFinished(_id, _episodeReturn[i], _episodeLength[i], WeightsVersion, _episodeLines[i]));
                _episodeReturn[i] = 0;
                _episodeLength[i] = 0;
                _episodeLines[i] = 0;
            }
            if (_batch.IsFull) sink.OnBatch(_batch.Build());
        }
    }

    private int RandomAction(ReadOnlySpan<bool> mask, int actionCount)
    {
        if (mask.IsEmpty) return _random.Next(actionCount);
        var allowed = 0;
        foreach (var m in mask) if (m) allowed++;
        if (allowed == 0) return 0;
        var pick = _random.Next(allowed);
        for (var a = 0; a < actionCount; a++)
            if (mask[a] && pick-- == 0) return a;
        return 0;
    }
}
