using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Training.External;

/// <summary>
/// Re-checks a sampled training batch with the action gate: the rules may have been stricter than the policy when the
/// step was taken (off-policy actions, a changed gate). A transition whose action the gate vetoes now is handled by
/// <c>gate-disagreement</c>: "skip" gives it importance weight 0 in this batch (it does not train), "penalty" lowers its
/// return by <c>gate-penalty</c> (it trains toward a worse value). Not thread-safe; the ReplayBuffer actor owns it.
/// </summary>
public sealed class GateBatchCheck
{
    private readonly IActionGate _gate;
    private readonly bool _skip;
    private readonly float _penalty;

    public GateBatchCheck(IActionGate gate, string disagreement, double penalty)
    {
        ArgumentNullException.ThrowIfNull(gate);
        if (!GateDisagreement.IsKnown(disagreement))
            throw new ArgumentException($"gate-disagreement must be one of {string.Join(", ", GateDisagreement.All)}, got '{disagreement}'", nameof(disagreement));
        _gate = gate;
        _skip = disagreement == GateDisagreement.Skip;
        _penalty = (float)penalty;
    }

    /// <summary>How often sampled transitions agreed with the gate.</summary>
    public GateAgreement Agreement { get; } = new();

    /// <summary>Transitions skipped or penalised so far.</summary>
    public long Disagreements => Agreement.Checked - Agreement.Allowed;

    public void Apply(ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var o = batch.ObservationSize;
        for (var i = 0; i < batch.Count; i++)
        {
            var allowed = _gate.Check(batch.Observations.AsSpan(i * o, o), batch.Actions[i]).Allowed;
            Agreement.Record(allowed);
            if (allowed) continue;
            if (_skip) batch.Weights[i] = 0;
            else batch.Returns[i] -= _penalty;
        }
    }
}
