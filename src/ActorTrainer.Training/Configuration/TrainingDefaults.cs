namespace ActorTrainer.Training.Configuration;

/// <summary>
/// Per-environment starting points, tuned so each environment solves quickly on a small machine. The classic-control
/// settings start from rl-baselines3-zoo's tuned DQN values (learning rate, batch, target interval, 256-256 net) and
/// add Ape-X's ingredients: n-step returns, prioritized replay with actor-computed priorities and the per-env-slot
/// ε ladder, which gives every run a spread of near-greedy and exploring environments instead of an ε schedule.
/// </summary>
public static class TrainingDefaults
{
    public static TrainingConfig For(string envId) => envId switch
    {
        "CartPole-v1" => new TrainingConfig
        {
            Env = envId,
            // Solving is only noticed at an evaluation; these evaluate in milliseconds, so look twice a second.
            EvalIntervalSeconds = 0.5,
            Gamma = 0.99,
            NSteps = 3,
            LearningRate = 1e-3,
            BatchSize = 64,
            MinReplay = 1_000,
            ReplayCapacity = 100_000,
            TargetSyncInterval = 250,
        },
        "Acrobot-v1" => new TrainingConfig
        {
            Env = envId,
            EvalIntervalSeconds = 0.5,
            Gamma = 0.99,
            NSteps = 3,
            LearningRate = 6.3e-4,
            BatchSize = 128,
            MinReplay = 1_000,
            ReplayCapacity = 100_000,
            TargetSyncInterval = 250,
        },
        "MountainCar-v0" => new TrainingConfig
        {
            Env = envId,
            EvalIntervalSeconds = 0.5,
            Gamma = 0.99,
            // The only reward is -1 a step until the flag: 5-step returns carry the goal back five times faster,
            // and a higher ε base makes the most exploring slots dither enough to swing up the hill by chance.
            NSteps = 5,
            LearningRate = 4e-3,
            BatchSize = 128,
            MinReplay = 1_000,
            ReplayCapacity = 100_000,
            TargetSyncInterval = 600,
            EpsilonBase = 0.5,
        },
        "Tetris-v0" => new TrainingConfig
        {
            Env = envId,
            // Clearing a line takes several well-placed pieces: γ 0.99 with 5-step returns learned lines where the
            // earlier γ 0.95, 1-step setting collapsed to dying in ~20 pieces.
            Gamma = 0.99,
            NSteps = 5,
            LearningRate = 5e-4,
            BatchSize = 128,
            MinReplay = 2_000,
            ReplayCapacity = 200_000,
            TargetSyncInterval = 2_000,
            Hidden = [256, 256],
            // The registry has no reward threshold for Tetris: it is solved at 100 lines per greedy game.
            SolveMetric = SolveMetrics.Lines,
            SolveThreshold = 100,
        },
        _ => new TrainingConfig { Env = envId },
    };
}
