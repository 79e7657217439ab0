using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Evaluation;

/// <summary>
/// Plays whole episodes with the greedy policy (epsilon 0) on fresh environments. Used by the Evaluator actor
/// during training and by `actortrainer eval` on a saved model. Not thread-safe; one instance per thread.
/// </summary>
public sealed class GreedyEvaluation
{
    private readonly IEnvironment _env;
    private readonly QNetwork _network;
    private readonly float[] _obs;
    private readonly float[] _q;
    private readonly bool[] _mask;

    /// <param name="options">The environment's settings (the run's env-settings), null for its defaults.</param>
    public GreedyEvaluation(EnvironmentRegistry registry, string envId, NetworkSpec spec, EnvironmentOptions? options = null)
    {
        _env = registry.Make(envId, options);
        if (_env.ObservationSpace.Size != spec.ObservationSize || _env.ActionSpace.N != spec.ActionCount)
            throw new ArgumentException($"the network takes {spec.ObservationSize} observations and gives {spec.ActionCount} actions, " +
                $"but {envId} has {_env.ObservationSpace.Size} and {_env.ActionSpace.N}", nameof(spec));
        _network = new QNetwork(spec);
        _obs = new float[spec.ObservationSize];
        _q = new float[spec.ActionCount];
        _mask = new bool[spec.ActionCount];
    }

    public QNetwork Network => _network;

    /// <summary>Runs <paramref name="episodes"/> episodes with seeds seed, seed+1, ...; the weights must be loaded first.</summary>
    public EvaluationStats Run(int episodes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        var returns = new double[episodes];
        double lengthSum = 0, linesSum = 0;
        for (var e = 0; e < episodes; e++)
        {
            _env.Reset(seed + e, _obs);
            double ret = 0;
            var length = 0;
            var lines = 0;
            while (true)
            {
                var result = _env.Step(ChooseAction(), _obs);
                ret += result.Reward;
                lines += result.LinesCleared;
                length++;
                if (result.Done) break;
            }
            returns[e] = ret;
            lengthSum += length;
            linesSum += lines;
        }
        return EvaluationStats.From(returns, lengthSum / episodes, linesSum / episodes);
    }

    /// <summary>The greedy action for the current observation, among allowed actions when the env masks them.</summary>
    public int ChooseAction()
    {
        _network.Forward(_obs, _q);
        if (!_env.HasActionMask) return QNetwork.ArgmaxOf(_q);
        _env.GetActionMask(_mask);
        return QNetwork.ArgmaxOf(_q, _mask);
    }

    /// <summary>For `play`: the environment being evaluated and its current observation.</summary>
    public IEnvironment Environment => _env;
    public float[] Observation => _obs;
}
