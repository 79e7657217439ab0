namespace ActorTrainer.Training.External;

/// <summary>
/// A rule-based check of proposed actions (a game's own rules, a safety layer). It is asked about every action the
/// policy proposes for an external episode: a vetoed action is replaced by the best action (by Q-value) that the
/// gate and the action mask allow; the expected reward it may return is blended into the stored reward by
/// <c>gate-reward-weight</c>. Sampled training batches can be re-checked (<c>gate-disagreement</c>).
/// Calls come from one thread at a time, but not always the same thread.
/// </summary>
public interface IActionGate
{
    GateVerdict Check(ReadOnlySpan<float> observation, int action);
}

/// <summary>The gate's answer: allowed or vetoed, and optionally the reward it expects for the action (NaN: none).</summary>
public readonly record struct GateVerdict(bool Allowed, double ExpectedReward = double.NaN)
{
    public static GateVerdict Allow => new(true);
    public static GateVerdict Veto => new(false);
}
