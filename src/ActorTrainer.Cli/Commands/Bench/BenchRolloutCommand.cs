using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench rollout [--json] [--env ID] [--seconds S]`: env steps per second of 1, 2 and one-per-core
/// EpisodeRunners driven by their policy (learner idle, never throttled), the scaling ratios, and the learner's
/// updates per second while one-per-core runners feed it through a real ReplayBuffer, and the same runner work in a
/// bare loop without actors (`actor_overhead_ratio` = one runner / bare loop).
/// </summary>
public static class BenchRolloutCommand
{
    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object with every figure");
        var env = CliOptions.Text("--env", "environment id", "ID");
        env.DefaultValueFactory = _ => "CartPole-v1";
        var seconds = CliOptions.Double("--seconds", "time per measurement", 3.0, 0.2, 600, "S");
        var command = new CliCommand("rollout", "policy-driven env steps/s with 1, 2 and all-core runners, scaling, learner updates/s with runners",
            "actortrainer bench rollout", "actortrainer bench rollout --env Acrobot-v1 --seconds 5 --json") { json, env, seconds };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(env)!, ctx.Get(seconds), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static async Task<int> Run(bool json, string env, double seconds, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!EnvironmentRegistry.Default.Contains(env))
        {
            var ids = EnvironmentRegistry.Default.Ids;
            throw new UsageException($"unknown env '{env}'; known: {string.Join(", ", ids)}");
        }

        var cores = Environment.ProcessorCount;
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(1.0, seconds / 2));
        var counts = new SortedSet<int> { 1, 2, cores };
        var stepsPerSecond = new Dictionary<int, double>();
        foreach (var n in counts)
        {
            stepsPerSecond[n] = await BenchRollout.RunnerStepsPerSecond(env, n, warmup, duration, cancellationToken).ConfigureAwait(false);
            if (!json) stdout.WriteLine($"{env}: {n} runner(s), learner idle: {stepsPerSecond[n],12:N0} env steps/s");
        }
        var updates = await BenchRollout.LearnerUpdatesPerSecond(env, cores, warmup, duration, cancellationToken).ConfigureAwait(false);
        var bare = await BenchRollout.BareLoopStepsPerSecond(env, warmup, duration, cancellationToken).ConfigureAwait(false);
        var one = stepsPerSecond[1];
        if (!json)
        {
            stdout.WriteLine($"{env}: the same work in a bare loop, no actors: {bare,12:N0} env steps/s (1 runner / bare loop: {one / bare:F2})");
            stdout.WriteLine($"scaling 2/1: {stepsPerSecond[2] / one:F2}   scaling {cores}/1: {stepsPerSecond[cores] / one:F2}");
            stdout.WriteLine($"learner with {cores} runner(s) feeding it: {updates:N0} updates/s");
            return CliHost.ExitOk;
        }

        var prefix = Slug(env);
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("env", env);
            j.WriteNumber("cores", cores);
            foreach (var (n, v) in stepsPerSecond) j.WriteNumber($"{prefix}_runners_{n}_steps_per_s", Math.Round(v));
            j.WriteNumber($"{prefix}_runners_all_steps_per_s", Math.Round(stepsPerSecond[cores]));
            j.WriteNumber("scaling_2_over_1", Math.Round(stepsPerSecond[2] / one, 3));
            j.WriteNumber("scaling_all_over_1", Math.Round(stepsPerSecond[cores] / one, 3));
            j.WriteNumber("bare_loop_steps_per_s", Math.Round(bare));
            j.WriteNumber("actor_overhead_ratio", Math.Round(one / bare, 3));
            j.WriteNumber("learner_updates_per_s_with_runners", Math.Round(updates, 1));
            j.WriteNumber("learner_runners", cores);
            j.WriteNumber("seconds_per_measurement", seconds);
            j.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        return CliHost.ExitOk;
    }

    // "CartPole-v1" -> "cartpole": a stable JSON key prefix.
    private static string Slug(string env)
    {
        var name = env.LastIndexOf("-v", StringComparison.Ordinal) is var i and > 0 ? env[..i] : env;
        var sb = new StringBuilder();
        foreach (var c in name)
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }
}
