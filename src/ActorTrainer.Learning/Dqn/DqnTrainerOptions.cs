using ActorTrainer.Learning.Optimization;

namespace ActorTrainer.Learning.Dqn;

/// <summary>
/// Double-DQN learner settings. The target network is hard-synced every <see cref="TargetSyncInterval"/>
/// updates, or, when <see cref="PolyakTau"/> &gt; 0, soft-updated after every update instead.
/// <see cref="MaxGradientNorm"/> ≤ 0 disables clipping.
/// </summary>
public sealed record DqnTrainerOptions
{
    public int MaxBatch { get; init; } = 256;
    public AdamOptions Adam { get; init; } = new(LearningRate: 1e-4f);
    public LossKind Loss { get; init; } = LossKind.Huber;
    public float HuberDelta { get; init; } = 1f;
    public float MaxGradientNorm { get; init; } = 10f;
    public int TargetSyncInterval { get; init; } = 1000;
    public float PolyakTau { get; init; }

    public void Validate()
    {
        if (MaxBatch < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "max batch must be at least 1");
        ArgumentNullException.ThrowIfNull(Adam);
        Adam.Validate();
        if (!(HuberDelta > 0f))
            throw new ArgumentOutOfRangeException(nameof(HuberDelta), HuberDelta, "Huber delta must be positive");
        if (!float.IsFinite(MaxGradientNorm))
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), MaxGradientNorm, "max gradient norm must be finite (≤ 0 disables clipping)");
        if (TargetSyncInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(TargetSyncInterval), TargetSyncInterval, "target sync interval must be at least 1 update");
        if (!(PolyakTau >= 0f && PolyakTau <= 1f))
            throw new ArgumentOutOfRangeException(nameof(PolyakTau), PolyakTau, "Polyak tau must be in [0, 1] (0 = hard sync)");
    }
}
