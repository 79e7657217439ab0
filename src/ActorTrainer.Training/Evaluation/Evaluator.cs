using Akka.Actor;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Evaluation;

/// <summary>
/// Plays greedy episodes with the weights it is sent, on its own thread, so evaluation never stalls the
/// Controller or the runners.
/// </summary>
public sealed class Evaluator : ReceiveActor
{
    private readonly GreedyEvaluation _evaluation;

    public Evaluator(TrainingConfig config, TrainingSetup setup)
    {
        _evaluation = new GreedyEvaluation(setup.Registry, config.Env, setup.NetworkSpec, TrainingEnvironment.Options(config));
        Receive<Evaluate>(OnEvaluate);
    }

    private void OnEvaluate(Evaluate m)
    {
        _evaluation.Network.CopyFrom(m.Weights);
        var s = _evaluation.Run(m.Episodes, m.Seed);
        Sender?.Tell(new EvalResult(m.RequestId, m.Weights.Version, s.Episodes, s.Mean, s.Std, s.Min, s.Max, s.MeanLength, s.MeanLines), Self);
    }
}
