namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Prioritized replay settings (Schaul et al. 2016): P(i) = pᵢ^α / Σ p^α with pᵢ = |δᵢ| + ε; importance
/// weight wᵢ = (N·P(i))^−β / maxⱼ wⱼ, with β annealed linearly from BetaStart to 1 over BetaAnnealSamples batches.
/// </summary>
public sealed record PrioritizedReplayOptions(int Capacity, float Alpha = 0.6f, float BetaStart = 0.4f, long BetaAnnealSamples = 100_000, float PriorityEpsilon = 1e-6f)
{
    public void Validate()
    {
        if (Capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "capacity must be at least 1");
        if (!(Alpha >= 0f && Alpha <= 1f))
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "alpha must be in [0, 1]");
        if (!(BetaStart >= 0f && BetaStart <= 1f))
            throw new ArgumentOutOfRangeException(nameof(BetaStart), BetaStart, "beta start must be in [0, 1]");
        if (BetaAnnealSamples < 1)
            throw new ArgumentOutOfRangeException(nameof(BetaAnnealSamples), BetaAnnealSamples, "beta anneal length must be at least 1 batch");
        if (!(PriorityEpsilon > 0f) || !float.IsFinite(PriorityEpsilon))
            throw new ArgumentOutOfRangeException(nameof(PriorityEpsilon), PriorityEpsilon, "priority epsilon must be a positive finite number");
    }
}
