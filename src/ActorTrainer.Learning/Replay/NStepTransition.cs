namespace ActorTrainer.Learning.Replay;

/// <summary>
/// One n-step transition: from <see cref="Observation"/>, take <see cref="Action"/>, collect the
/// discounted <see cref="Return"/> over <see cref="Steps"/> rewards, then land in
/// <see cref="NextObservation"/>. The learner's target is Return + Discount·(1 − Terminated)·Q(next),
/// where <see cref="Discount"/> = γ^Steps (Steps &lt; n near an episode end).
/// </summary>
public readonly ref struct NStepTransition
{
    public NStepTransition(ReadOnlySpan<float> observation, int action, float @return, ReadOnlySpan<float> nextObservation, bool terminated, int steps, float discount)
    {
        Observation = observation;
        Action = action;
        Return = @return;
        NextObservation = nextObservation;
        Terminated = terminated;
        Steps = steps;
        Discount = discount;
    }

    public ReadOnlySpan<float> Observation { get; }
    public int Action { get; }
    public float Return { get; }
    public ReadOnlySpan<float> NextObservation { get; }

    /// <summary>True when the episode terminated within these steps: the target must not bootstrap.</summary>
    public bool Terminated { get; }

    public int Steps { get; }
    public float Discount { get; }
}
