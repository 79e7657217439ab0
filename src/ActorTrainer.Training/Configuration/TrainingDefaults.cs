namespace ActorTrainer.Training.Configuration;

/// <summary>Per-environment starting points, tuned so each environment solves quickly on a small machine.</summary>
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
            // Solving is only noticed at an evaluation; these evaluate in milliseconds, so look twice a second.
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
            // Solving is only noticed at an evaluation; these evaluate in milliseconds, so look twice a second.
            EvalIntervalSeconds = 0.5,
            Gamma = 0.99,
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
