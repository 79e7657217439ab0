namespace ActorTrainer.Cli.Commands.Train;

/// <summary>What each configuration key means, for `train --help` (the keys themselves come from TrainingConfig).</summary>
public static class TrainingConfigHelp
{
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["env"] = "environment id (`actortrainer env list`)",
        ["env-settings"] = "the environment's settings as key=value,..., e.g. observation=placements",
        ["seed"] = "random seed of environments, exploration and network initialisation",
        ["runners"] = "EpisodeRunner actors, each on its own thread; 0 = one per core",
        ["envs-per-runner"] = "environment copies each runner steps as one vector env",
        ["chunk-steps"] = "vector steps per runner self-message (how quickly Pause/Stop/new weights land)",
        ["run-dir"] = "folder under which the run's directory is created",
        ["until-solved"] = "stop once a confirming greedy evaluation reaches the solve threshold",
        ["max-seconds"] = "stop after this many seconds of training",
        ["max-steps"] = "stop after this many env steps",
        ["hidden"] = "Q-network hidden layer sizes",
        ["dueling"] = "dueling head (value + advantage)",
        ["learning-rate"] = "Adam's learning rate",
        ["adam-eps"] = "Adam's epsilon",
        ["weight-decay"] = "L2 weight decay",
        ["gamma"] = "discount factor",
        ["n-steps"] = "n of the n-step returns",
        ["batch-size"] = "transitions per learner update",
        ["grad-clip"] = "gradient norm clip",
        ["huber-delta"] = "Huber loss delta",
        ["target-sync-interval"] = "hard target-network copy every K updates; 0 = Polyak averaging with --tau",
        ["tau"] = "Polyak averaging rate when --target-sync-interval is 0",
        ["publish-interval"] = "the learner broadcasts new weights every K updates",
        ["replay-capacity"] = "prioritized replay size in transitions",
        ["min-replay"] = "transitions in the replay before learning starts",
        ["priority-alpha"] = "prioritized replay: priority exponent alpha",
        ["priority-beta"] = "prioritized replay: importance-sampling exponent beta (annealed to 1)",
        ["beta-anneal-steps"] = "updates over which beta is annealed to 1",
        ["samples-per-insert"] = "the replay's rate limiter: sampled transitions per inserted one",
        ["experience-batch"] = "transitions per batch a runner sends to the replay",
        ["remote-experience-batch"] = "transitions per batch a runner on a runner node sends",
        ["remote-weights-interval-seconds"] = "shortest time between two weights versions sent to one runner node (0: each as soon as the last arrived)",
        ["min-runners"] = "runners (local and on runner nodes) to wait for before the run starts its clock; 0 starts at once",
        ["epsilon-base"] = "Ape-X exploration ladder: eps_i = base^(1 + alpha*i/(N-1))",
        ["epsilon-alpha"] = "Ape-X exploration ladder exponent alpha",
        ["eval-interval-seconds"] = "seconds between greedy evaluations",
        ["eval-episodes"] = "episodes of each greedy evaluation",
        ["solve-episodes"] = "episodes of the confirming evaluation that decides \"solved\"",
        ["solve-threshold"] = "score that counts as solved; none = the environment's reward threshold",
        ["solve-metric"] = "what the threshold is compared with: return or lines (Tetris)",
        ["checkpoint-interval-seconds"] = "seconds between latest/ checkpoints",
        ["save-replay"] = "also store the replay contents in latest/ (large; resume is then exact)",
        ["observation-size"] = "observation values of External-v0 (train --external); 0 for other environments",
        ["actions"] = "actions of External-v0 (train --external); 0 for other environments",
        ["max-reward-delay"] = "seconds an external step stays open for late rewards (0: until the next step)",
        ["external-episode-timeout"] = "seconds an idle external episode lives before it is ended as truncated",
        ["max-external-episodes"] = "open external episodes at most; one more is refused with 429",
        ["max-pending-steps"] = "steps an external episode holds before they become transitions; beyond, the oldest is dropped and counted",
        ["min-updates-per-second"] = "learner updates a second beyond samples-per-insert when experience is slow (0: none; at most 10000)",
        ["gate-reward-weight"] = "weight of the action gate's expected reward in the stored reward, 0..1",
        ["gate-disagreement"] = "a sampled transition the gate vetoes: skip or penalty",
        ["gate-penalty"] = "return lowered by this for gate-disagreement penalty",
    };

    /// <summary>The meaning of <paramref name="key"/>; a key without one still gets a line, pointing to the docs.</summary>
    public static string Describe(string key) => Meanings.GetValueOrDefault(key) ?? "configuration key (see docs/training.md)";

    public static bool Has(string key) => Meanings.ContainsKey(key);
}
