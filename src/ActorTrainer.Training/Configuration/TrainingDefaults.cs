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
            // Chosen by bench/cartpole_sweep.sh over seeds 1-5 (docs/training.md, Results): CartPole is learner-bound,
            // and a 64-64 net steps several times faster than 256-256 while needing about as many updates once the
            // target follows every 100 updates and 5-step returns at 2e-3 carry the reward back sooner. One runner
            // keeps the second core for the learner and evaluator; the rate limiter holds the replay ratio anyway.
            Hidden = [64, 64],
            Runners = 1,
            Gamma = 0.99,
            NSteps = 5,
            LearningRate = 2e-3,
            BatchSize = 64,
            MinReplay = 1_000,
            ReplayCapacity = 100_000,
            TargetSyncInterval = 100,
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
            // Afterstates: each placement's row describes the board it leaves, and one small MLP scores every row.
            EnvSettings = "observation=placements",
            Dueling = false,
            Hidden = [64, 64],
            Gamma = 0.99,
            NSteps = 5,
            LearningRate = 5e-4,
            BatchSize = 128,
            MinReplay = 2_000,
            // 760 floats an observation, stored once (docs/architecture-data-path.md): 100k slots take about 305 MB.
            ReplayCapacity = 100_000,
            TargetSyncInterval = 2_000,
            // The registry has no reward threshold for Tetris: it is solved at 100 lines per greedy game.
            SolveMetric = SolveMetrics.Lines,
            SolveThreshold = 100,
        },
        // A game outside the trainer: greedy episodes come from its client, ten make an evaluation and confirm a solve.
        External.ExternalEnvironment.DefaultId => new TrainingConfig
        {
            Env = envId,
            Runners = 1,
            EvalEpisodes = 10,
            SolveEpisodes = 10,
            TargetSyncInterval = 250,
        },
        _ => new TrainingConfig { Env = envId },
    };
}
