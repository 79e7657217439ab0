using System.Text.Json.Serialization;

namespace ActorTrainer.Training.Configuration;

/// <summary>
/// Everything a training run needs, in one immutable record. Defaults come from
/// <see cref="TrainingDefaults.For"/> (tuned per environment), then an optional JSON file,
/// then command-line flags; <see cref="TrainingConfigValidator"/> checks the result at start-up.
/// JSON keys are the command-line flag names without the dashes (e.g. "learning-rate").
/// </summary>
public sealed record TrainingConfig
{
    // --- run -------------------------------------------------------------------------------
    public string Env { get; init; } = "CartPole-v1";

    /// <summary>Settings for the environment's factory as key=value pairs separated by commas, e.g.
    /// "observation=placements" for Tetris-v0; empty for the environment's own defaults.</summary>
    public string EnvSettings { get; init; } = "";
    public int Seed { get; init; } = 1;

    /// <summary>EpisodeRunner actors; 0 means one per core.</summary>
    public int Runners { get; init; }

    /// <summary>Environment copies each runner steps as one vector environment.</summary>
    public int EnvsPerRunner { get; init; } = 8;

    /// <summary>Vector steps a runner takes per self-message; small enough that Pause lands within milliseconds.</summary>
    public int ChunkSteps { get; init; } = 16;

    public string RunDir { get; init; } = "runs";
    public bool UntilSolved { get; init; }
    public double? MaxSeconds { get; init; }
    public long? MaxSteps { get; init; }

    // --- network ---------------------------------------------------------------------------
    public int[] Hidden { get; init; } = [256, 256];
    public bool Dueling { get; init; } = true;

    // --- learner ---------------------------------------------------------------------------
    public double LearningRate { get; init; } = 1e-3;
    public double AdamEps { get; init; } = 1e-8;
    public double WeightDecay { get; init; }
    public double Gamma { get; init; } = 0.99;
    public int NSteps { get; init; } = 3;
    public int BatchSize { get; init; } = 64;
    public double GradClip { get; init; } = 10.0;
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Hard target-network copy every this many updates; 0 uses Polyak averaging with <see cref="Tau"/>.</summary>
    public int TargetSyncInterval { get; init; } = 500;
    public double Tau { get; init; } = 0.005;

    /// <summary>The learner broadcasts new weights every this many updates.</summary>
    public int PublishInterval { get; init; } = 25;

    // --- replay ----------------------------------------------------------------------------
    public int ReplayCapacity { get; init; } = 100_000;
    public int MinReplay { get; init; } = 1_000;
    public double PriorityAlpha { get; init; } = 0.6;
    public double PriorityBeta { get; init; } = 0.4;
    public long BetaAnnealSteps { get; init; } = 100_000;

    /// <summary>Sampled transitions per inserted transition the rate limiter holds (Reverb's SampleToInsertRatio).</summary>
    public double SamplesPerInsert { get; init; } = 4.0;

    /// <summary>Transitions per ExperienceBatch a runner sends.</summary>
    public int ExperienceBatch { get; init; } = 128;

    /// <summary>Transitions per ExperienceBatch a runner on a runner node sends over Akka.Remote. Larger than the local
    /// batch because every remote message and its ExperienceAck cost both nodes a fixed amount of CPU. With CartPole's
    /// 4-float observations 1024 transitions make a 49 KB message. A runner node cuts it for large observations, so
    /// that a message stays under the 85,000-byte large-object threshold of the copies Akka.Remote makes (to 16 for
    /// Tetris's 760-float observations with 8 envs a runner; ActorTrainer.Cluster's RemoteBatchSize).
    /// </summary>
    public int RemoteExperienceBatch { get; init; } = 1024;

    /// <summary>
    /// Shortest time between two weights versions the pool sends to one host of runners (a runner node, the external
    /// episodes endpoint); the newest version goes when it ends. 0 sends each version as soon as the host confirmed the
    /// last (latest-only either way). Local runners get every version at once. A host's runners act on weights up to
    /// this much older, for far fewer weights messages: the learner publishes a version every publish-interval updates,
    /// hundreds a second, and a 4-256-256-2 network is 272 KB a version. 25 ms is a fraction of the seconds Ape-X's
    /// actors go between fetches; with runner nodes on the learner's own two cores it gave the learner about 20 % more
    /// updates a second and took no more updates to solve CartPole (docs/cluster.md, "Eleventh round").
    /// </summary>
    public double RemoteWeightsIntervalSeconds { get; init; } = 0.025;

    /// <summary>
    /// Runners (local and on runner nodes) the run waits for before it starts: until then its clock stands, no runner
    /// steps and the learner has nothing to learn from. 0 starts at once. A learner node started with its runner nodes
    /// sets it to their runner count, so the run is timed from a formed cluster rather than from the first join.
    /// </summary>
    public int MinRunners { get; init; }

    // --- exploration (Ape-X: eps_i = EpsilonBase^(1 + EpsilonAlpha * i / (N - 1))) ---------
    public double EpsilonBase { get; init; } = 0.4;
    public double EpsilonAlpha { get; init; } = 7.0;

    // --- evaluation and checkpoints --------------------------------------------------------
    public double EvalIntervalSeconds { get; init; } = 1.0;
    public int EvalEpisodes { get; init; } = 10;

    /// <summary>Episodes of the confirming greedy evaluation that decides "solved" (Gymnasium's 100-episode mean).</summary>
    public int SolveEpisodes { get; init; } = 100;

    /// <summary>Overrides the environment's reward threshold when set.</summary>
    public double? SolveThreshold { get; init; }

    /// <summary>What the solve threshold is compared with: "return" (mean greedy episode return, Gymnasium's
    /// convention) or "lines" (mean lines cleared per greedy game, for Tetris, whose registry has no reward threshold).</summary>
    public string SolveMetric { get; init; } = SolveMetrics.Return;

    public double CheckpointIntervalSeconds { get; init; } = 30.0;

    /// <summary>Also store replay contents in latest/ (large, but resume is then exact).</summary>
    public bool SaveReplay { get; init; }

    // --- external environments (env External-v0 or one registered as ExternalEnvironment) --------------------------
    /// <summary>Observation values of External-v0 (`train --external`); 0 for any other environment.</summary>
    public int ObservationSize { get; init; }

    /// <summary>Actions of External-v0; 0 for any other environment.</summary>
    public int Actions { get; init; }

    /// <summary>Seconds each external step stays open for rewards after it was taken (0: until the next step).</summary>
    public double MaxRewardDelay { get; init; }

    /// <summary>An external episode idle this many seconds is ended as truncated (its data is kept).</summary>
    public double ExternalEpisodeTimeout { get; init; } = 300;

    /// <summary>Open external episodes at most; one more is refused (HTTP 429).</summary>
    public int MaxExternalEpisodes { get; init; } = 256;

    /// <summary>Steps one external episode holds before they become transitions; beyond it the oldest is dropped and counted.</summary>
    public int MaxPendingSteps { get; init; } = 1024;

    /// <summary>Learner updates per second it may do beyond samples-per-insert when experience is slow (0: none), so a
    /// game that gives one observation a second still trains every second. A stated ceiling: at most this many extra.</summary>
    public double MinUpdatesPerSecond { get; init; }

    /// <summary>Weight of the action gate's expected reward in the stored reward: (1 − w)·reward + w·expected.</summary>
    public double GateRewardWeight { get; init; }

    /// <summary>A sampled transition whose action the gate now vetoes: "skip" (not trained on) or "penalty" (return lowered by gate-penalty).</summary>
    public string GateDisagreement { get; init; } = External.GateDisagreement.Skip;

    /// <summary>Subtracted from the return of a sampled transition the gate vetoes, when gate-disagreement is "penalty".</summary>
    public double GatePenalty { get; init; } = 1.0;

    [JsonIgnore]
    public int EffectiveRunners => Runners > 0 ? Runners : Math.Max(1, Environment.ProcessorCount);
}
