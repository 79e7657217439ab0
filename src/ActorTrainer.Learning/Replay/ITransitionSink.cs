namespace ActorTrainer.Learning.Replay;

/// <summary>Receives finished n-step transitions (a replay buffer, or a batch on its way to one).</summary>
public interface ITransitionSink
{
    void Add(in NStepTransition transition);
}
