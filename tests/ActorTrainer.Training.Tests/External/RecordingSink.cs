using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Training.Tests.External;

/// <summary>Keeps every n-step transition it is given, with copies of the observations.</summary>
internal sealed class RecordingSink : ITransitionSink
{
    public List<(float[] Obs, int Action, float Return, float[] Next, bool Terminated, int Steps, float Discount)> Items { get; } = [];

    public void Add(in NStepTransition t) =>
        Items.Add((t.Observation.ToArray(), t.Action, t.Return, t.NextObservation.ToArray(), t.Terminated, t.Steps, t.Discount));
}
