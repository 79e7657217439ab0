using System.Globalization;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// What GET /metrics says about a training, in Prometheus terms. Run-wide series (actortrainer_env_steps_total,
/// rates, returns, replay, learner) carry no node label: the one Controller serving this dashboard owns the whole
/// run's totals, and Prometheus's own instance label names the process. Per-runner and per-node series carry
/// <c>node</c>: the cluster node's name, or "local" when every runner lives in this process (as /api/status
/// reports it). A value that is not known yet (no finished episode, no evaluation, no update) is left out of the
/// page, HELP and TYPE included, so a graph shows a gap rather than a made-up 0 or a NaN; a value that is really
/// NaN (a diverged loss) is written as NaN.
/// </summary>
internal static class TrainingMetricsExposition
{
    public const string Prefix = "actortrainer_";

    /// <param name="status">The Controller's status.</param>
    /// <param name="latest">The newest metrics sample, for the figures the status lacks (TD error), or null.</param>
    /// <param name="workingSetBytes">This process's working set.</param>
    /// <param name="peakWorkingSetBytes">This process's peak working set.</param>
    /// <param name="now">The time heartbeat ages are measured against.</param>
    public static string Render(TrainingStatus status, MetricsSample? latest, long workingSetBytes, long peakWorkingSetBytes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var w = new PrometheusTextWriter();

        Gauge(w, "info", "Identity of the run: run_id and env as labels, value always 1.", 1, ("run_id", status.RunId), ("env", status.Env));
        w.Family(Prefix + "state", "gauge", "1 for the run's current state, 0 for the others.");
        foreach (var state in Enum.GetValues<RunState>())
            w.Sample(state == status.State ? 1 : 0, ("state", state.ToString().ToLowerInvariant()));
        Gauge(w, "elapsed_seconds", "Training time of the run, pauses excluded as the Controller counts it.", status.ElapsedSeconds);
        Gauge(w, "solved", "1 once the run met its solve criterion, else 0.", status.Solved ? 1 : 0);

        Counter(w, "env_steps_total", "Environment steps taken by all runners of the run.", status.EnvSteps);
        Counter(w, "updates_total", "Learner gradient updates.", status.Updates);
        Counter(w, "episodes_total", "Training episodes finished by all runners.", status.Episodes);
        Gauge(w, "weights_version", "Version of the learner's newest published weights.", status.WeightsVersion);
        Gauge(w, "env_steps_per_second", "Environment steps per second over the Controller's last rate window.", status.EnvStepsPerSecond);
        Gauge(w, "updates_per_second", "Learner updates per second over the Controller's last rate window.", status.UpdatesPerSecond);

        Gauge(w, "mean_return", "Mean return of the last 100 finished training episodes (exploring policies).", status.RecentMeanReturn);
        Gauge(w, "eval_return", "Mean return of the latest greedy evaluation.", status.LastEvalReturn);
        Gauge(w, "best_eval_return", "Best greedy evaluation return so far.", status.BestEvalReturn);
        Gauge(w, "loss", "Learner loss of the latest update window.", status.Loss);
        Gauge(w, "mean_q", "Mean Q value of the latest update window.", status.MeanQ);
        Gauge(w, "td_error", "Mean absolute TD error of the latest update window.", latest?.TdError);

        Gauge(w, "replay_size", "Transitions held by the replay buffer.", status.ReplaySize);
        Gauge(w, "replay_capacity", "Transitions the replay buffer can hold.", status.ReplayCapacity);
        Gauge(w, "replay_fill_ratio", "Replay size over capacity, 0 to 1.", status.ReplayCapacity > 0 ? (double)status.ReplaySize / status.ReplayCapacity : null);
        Gauge(w, "mean_staleness", "Mean over runners of learner weights version minus the version the runner acts with.",
            status.Runners.Count > 0 ? status.Runners.Average(r => (double)r.Staleness) : null);

        // Always written, 0 included: sum(actortrainer_runner_up) is empty rather than 0 while no runner has reported, so an
        // alert on `actortrainer_runners_up < actortrainer_min_runners` needs both as plain numbers.
        Gauge(w, "runners_up", "Runners that report now, local and remote.", status.RunnersUp);
        Gauge(w, "min_runners", "Runners the run waits for before it starts (min-runners); 0 when it starts at once.", status.MinRunners);

        if (status.Runners.Count > 0)
        {
            RunnerFamily(w, status, "runner_env_steps_total", "counter", "Environment steps of one runner.", r => r.EnvSteps);
            RunnerFamily(w, status, "runner_episodes_total", "counter", "Training episodes finished by one runner.", r => r.Episodes);
            RunnerFamily(w, status, "runner_staleness", "gauge", "Learner weights version minus the version this runner acts with.", r => r.Staleness);
            RunnerFamily(w, status, "runner_epsilon", "gauge", "Exploration epsilon of one runner.", r => r.Epsilon);
            RunnerFamily(w, status, "runner_up", "gauge", "1 while the runner reports, 0 when it is down.", r => r.Up ? 1 : 0);

            var byNode = status.Runners.GroupBy(r => r.Node, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            w.Family(Prefix + "node_env_steps_total", "counter", "Environment steps of the runners on one node.");
            foreach (var g in byNode) w.Sample(g.Sum(r => r.EnvSteps), ("node", g.Key));
            w.Family(Prefix + "node_runners", "gauge", "Runners on one node as the Controller knows them.");
            foreach (var g in byNode) w.Sample(g.Count(), ("node", g.Key));
        }

        if (status.Members.Count > 0)
        {
            w.Family(Prefix + "node_up", "gauge", "1 while a cluster node sends heartbeats, 0 when it is considered down.");
            foreach (var m in status.Members) w.Sample(m.Up ? 1 : 0, ("node", m.Node), ("role", m.Role));
            w.Family(Prefix + "node_heartbeat_age_seconds", "gauge", "Seconds since a cluster node's last heartbeat.");
            foreach (var m in status.Members) w.Sample(Math.Max(0, (now - m.LastHeartbeat).TotalSeconds), ("node", m.Node), ("role", m.Role));
        }

        Gauge(w, "process_working_set_bytes", "Working set of the process serving this dashboard (the Controller's).", workingSetBytes);
        Gauge(w, "process_peak_working_set_bytes", "Peak working set of the process serving this dashboard.", peakWorkingSetBytes);
        return w.ToString();
    }

    private static void Counter(PrometheusTextWriter w, string name, string help, long value)
    {
        w.Family(Prefix + name, "counter", help);
        w.Sample(value);
    }

    private static void Gauge(PrometheusTextWriter w, string name, string help, double? value, params ReadOnlySpan<(string, string)> labels)
    {
        if (value is not { } v) return;
        w.Family(Prefix + name, "gauge", help);
        w.Sample(v, labels);
    }

    private static void RunnerFamily(PrometheusTextWriter w, TrainingStatus status, string name, string type, string help, Func<RunnerStatus, double> value)
    {
        w.Family(Prefix + name, type, help);
        foreach (var r in status.Runners)
            w.Sample(value(r), ("runner", r.Id.ToString(CultureInfo.InvariantCulture)), ("node", r.Node));
    }
}
