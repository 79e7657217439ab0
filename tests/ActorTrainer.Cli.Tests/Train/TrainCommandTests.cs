using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorTrainer.Cli.Tests.Commands;

namespace ActorTrainer.Cli.Tests.Train;

/// <summary>`train`, `eval` and `play` through the real CLI host, with a real (short) training run.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "at-train-cli-" + Guid.NewGuid().ToString("N"));

    public TrainCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // A small, quick run: it stops on a step budget, not on time, so it behaves the same on a slow machine.
    private string[] ShortRun(params string[] extra) =>
    [
        "train", "--env", "CartPole-v1", "--plain", "--run-dir", _dir, "--hidden", "32,32", "--min-replay", "500",
        "--max-steps", "4000", "--eval-interval-seconds", "0.2", "--eval-episodes", "2", "--runners", "1", .. extra,
    ];

    [Fact]
    public async Task Unknown_env_suggests_the_closest_id()
    {
        var (code, _, err) = await Run("train", "--env", "CartPol-v1", "--run-dir", _dir);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("unknown env 'CartPol-v1', did you mean CartPole-v1?", err);
        Assert.Empty(Directory.GetDirectories(_dir)); // nothing was started
    }

    [Fact]
    public async Task Every_config_problem_is_listed_at_once()
    {
        var (code, _, err) = await Run("train", "--learning-rate", "-1", "--gamma", "2", "--batch-size", "0", "--run-dir", _dir);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("learning-rate must be > 0, got -1", err);
        Assert.Contains("gamma must be in (0, 1], got 2", err);
        Assert.Contains("batch-size must be between 1 and", err);
    }

    [Fact]
    public async Task Waiting_for_more_runners_than_train_starts_is_refused_before_anything_starts()
    {
        var (code, _, err) = await Run("train", "--runners", "2", "--min-runners", "3", "--run-dir", _dir);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("min-runners 3 is more than the 2 runners this run has", err);
        Assert.Contains("node --role learner", err);
        Assert.Empty(Directory.GetDirectories(_dir));

        // An external run steps no runners of its own: its episodes are the one runner it has.
        (code, _, err) = await Run("train", "--external", "--observation-size", "4", "--actions", "2", "--min-runners", "2", "--run-dir", _dir);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("min-runners 2 is more than the 1 runners this run has", err);
        Assert.Empty(Directory.GetDirectories(_dir));
    }

    [Fact]
    public async Task A_run_with_min_runners_starts_once_its_runners_are_up_and_trains()
    {
        var (code, output, err) = await Run(ShortRun("--min-runners", "1"));
        Assert.True(code == 0, err);
        Assert.Contains("max-steps 4000 reached", output);
    }

    [Fact]
    public async Task A_typo_in_a_flag_names_it()
    {
        var (code, _, err) = await Run("train", "--learning-rat", "0.1");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("unknown option --learning-rat", err);
        Assert.Contains("--learning-rate", err);
    }

    [Fact]
    public async Task A_bad_config_file_names_the_file_and_key()
    {
        var cfg = Path.Combine(_dir, "cfg.json");
        await File.WriteAllTextAsync(cfg, """{ "env": "CartPole-v1", "n-step": 3 }""");
        var (code, _, err) = await Run("train", "--config", cfg, "--run-dir", _dir);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("unknown key 'n-step'", err);
        Assert.Contains("n-steps", err);

        var missing = await Run("train", "--config", Path.Combine(_dir, "nope.json"));
        Assert.Equal(CliHost.ExitUsage, missing.Code);
        Assert.Contains("does not exist", missing.Err);
    }

    [Fact]
    public async Task A_short_run_writes_summary_checkpoints_and_a_model_eval_can_load()
    {
        var summaryFile = Path.Combine(_dir, "s.json");
        var (code, output, err) = await Run(ShortRun("--summary-json", summaryFile));
        Assert.True(code == CliHost.ExitOk, $"exit {code}: {err}");
        Assert.Contains("max-steps 4000 reached", output);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        var root = summary.RootElement;
        Assert.True(root.GetProperty("env_steps").GetInt64() >= 4000);
        Assert.Equal("CartPole-v1", root.GetProperty("env").GetString());
        foreach (var key in new[] { "solved", "seconds_to_solve", "updates", "best_eval_return", "final_eval_return", "weights_version" })
            Assert.True(root.TryGetProperty(key, out _), $"summary lacks {key}");

        var runDir = root.GetProperty("run_dir").GetString()!;
        Assert.True(File.Exists(Path.Combine(runDir, "latest", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(runDir, "config.json")));
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl")));

        var eval = await Run("eval", "--model", runDir, "--episodes", "3", "--json");
        Assert.Equal(CliHost.ExitOk, eval.Code);
        using var evalJson = JsonDocument.Parse(eval.Out);
        Assert.Equal(3, evalJson.RootElement.GetProperty("episodes").GetInt32());
        Assert.Equal("CartPole-v1", evalJson.RootElement.GetProperty("env").GetString());

        var play = await Run("play", "--model", runDir);
        Assert.Equal(CliHost.ExitOk, play.Code);
        Assert.Contains("episode over after", play.Out);

        // Bad input on resume is refused before anything is touched: the saved checkpoint stays byte for byte.
        var latest = Path.Combine(runDir, "latest", "model.safetensors");
        var before = SHA256.HashData(await File.ReadAllBytesAsync(latest));
        var bad = await Run("train", "--resume", runDir, "--max-steps", "0");
        Assert.Equal(CliHost.ExitUsage, bad.Code);
        Assert.Contains("--max-steps must be between 1", bad.Err);
        // Limits the run has already passed (its clock and counters continue on resume) would stop it at once.
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(runDir, "latest", "state.json")));
        var stepsDone = state.RootElement.GetProperty("env_steps").GetInt64();
        var behindSteps = await Run("train", "--resume", runDir, "--max-steps", stepsDone.ToString());
        Assert.Equal(CliHost.ExitUsage, behindSteps.Code);
        Assert.Contains($"already taken {stepsDone} env steps", behindSteps.Err);
        var behindClock = await Run("train", "--resume", runDir, "--max-seconds", "0.5");
        Assert.Equal(CliHost.ExitUsage, behindClock.Code);
        Assert.Contains("its clock continues on resume; give more than", behindClock.Err);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(latest)));

        var wrongEnv = await Run("eval", "--model", runDir, "--env", "Acrobot-v1");
        Assert.Equal(CliHost.ExitUsage, wrongEnv.Code);
        Assert.Contains("does not fit Acrobot-v1", wrongEnv.Err);
    }

    [Fact]
    public async Task A_tetris_model_carries_its_observation_kind_to_eval_and_play()
    {
        // Tetris trains on placements (a per-action network) by default; eval and play must rebuild that observation.
        var summaryFile = Path.Combine(_dir, "t.json");
        var (code, _, err) = await Run("train", "--env", "Tetris-v0", "--plain", "--run-dir", _dir, "--min-replay", "300",
            "--batch-size", "32", "--max-steps", "2000", "--eval-interval-seconds", "0.2", "--eval-episodes", "2", "--runners", "1",
            "--summary-json", summaryFile);
        Assert.True(code == CliHost.ExitOk, $"exit {code}: {err}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        var runDir = summary.RootElement.GetProperty("run_dir").GetString()!;
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(runDir, "config.json")));
        Assert.Equal("observation=placements", config.RootElement.GetProperty("env-settings").GetString());

        var eval = await Run("eval", "--model", runDir, "--episodes", "2", "--json");
        Assert.True(eval.Code == CliHost.ExitOk, eval.Err);
        using var evalJson = JsonDocument.Parse(eval.Out);
        Assert.Equal("Tetris-v0", evalJson.RootElement.GetProperty("env").GetString());
        Assert.True(evalJson.RootElement.GetProperty("mean_length").GetDouble() >= 1);

        var play = await Run("play", "--model", runDir, "--fps", "1000");
        Assert.True(play.Code == CliHost.ExitOk, play.Err);
        Assert.Contains("episode over after", play.Out);

        var otherKind = await Run("eval", "--model", runDir, "--env-settings", "observation=features");
        Assert.Equal(CliHost.ExitUsage, otherKind.Code);
        Assert.Contains("does not fit Tetris-v0 with observation=features", otherKind.Err);
        var malformed = await Run("eval", "--model", runDir, "--env-settings", "observation");
        Assert.Equal(CliHost.ExitUsage, malformed.Code);
        Assert.Contains("--env-settings: 'observation' is not a key=value pair", malformed.Err);

        var dueling = await Run("train", "--env", "Tetris-v0", "--dueling", "true", "--run-dir", Path.Combine(_dir, "d"));
        Assert.Equal(CliHost.ExitUsage, dueling.Code);
        Assert.Contains("dueling must be false for Tetris-v0 with observation=placements", dueling.Err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "d")));
    }

    [Fact]
    public async Task Resume_of_a_missing_or_incomplete_run_says_what_to_pass()
    {
        var missing = await Run("train", "--resume", Path.Combine(_dir, "nope"));
        Assert.Equal(CliHost.ExitUsage, missing.Code);
        Assert.Contains("does not exist", missing.Err);

        Directory.CreateDirectory(Path.Combine(_dir, "half", "latest"));
        var incomplete = await Run("train", "--resume", Path.Combine(_dir, "half"));
        Assert.Equal(CliHost.ExitUsage, incomplete.Code);
        Assert.Contains("no complete latest/ checkpoint", incomplete.Err);
    }

    [Fact]
    public async Task Eval_rejects_a_file_that_is_not_a_model()
    {
        var garbage = Path.Combine(_dir, "garbage.safetensors");
        await File.WriteAllBytesAsync(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var (code, _, err) = await Run("eval", "--model", garbage, "--env", "CartPole-v1");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("is not a valid model", err);

        var missing = await Run("eval", "--model", Path.Combine(_dir, "none"));
        Assert.Equal(CliHost.ExitUsage, missing.Code);
        Assert.Contains("does not exist", missing.Err);
    }

    [Fact]
    public async Task Help_lists_every_configuration_key_as_a_flag()
    {
        var (code, output, _) = await Run("train", "--help");
        Assert.Equal(CliHost.ExitOk, code);
        foreach (var key in ActorTrainer.Training.Configuration.TrainingConfigJson.Keys)
            Assert.Contains("--" + key, output);
    }

    [Fact]
    public async Task Resume_with_saved_replay_continues_counters_and_experience()
    {
        var first = Path.Combine(_dir, "first.json");
        var (code, _, err) = await Run(ShortRun("--save-replay", "--summary-json", first));
        Assert.True(code == CliHost.ExitOk, err);
        using var before = JsonDocument.Parse(await File.ReadAllTextAsync(first));
        var runDir = before.RootElement.GetProperty("run_dir").GetString()!;
        Assert.True(File.Exists(Path.Combine(runDir, "latest", "replay.bin")));

        // The step count continues on resume, so the new limit lies beyond what the first run took.
        var second = Path.Combine(_dir, "second.json");
        var limit = before.RootElement.GetProperty("env_steps").GetInt64() + 4000;
        var resumed = await Run("train", "--resume", runDir, "--max-steps", limit.ToString(), "--plain", "--summary-json", second);
        Assert.True(resumed.Code == CliHost.ExitOk, resumed.Err);
        using var after = JsonDocument.Parse(await File.ReadAllTextAsync(second));
        Assert.Equal(runDir, after.RootElement.GetProperty("run_dir").GetString());
        Assert.True(after.RootElement.GetProperty("env_steps").GetInt64() >= limit);
        Assert.True(after.RootElement.GetProperty("weights_version").GetInt64() >= before.RootElement.GetProperty("weights_version").GetInt64());
        Assert.True(after.RootElement.GetProperty("updates").GetInt64() >= before.RootElement.GetProperty("updates").GetInt64());
        Assert.Contains("replay restored", await File.ReadAllTextAsync(Path.Combine(runDir, "log", "actortrainer.log")));
    }

    [Fact]
    public async Task Akka_and_cli_log_lines_land_in_the_runs_log_file_in_one_format()
    {
        var summaryFile = Path.Combine(_dir, "log.json");
        var (code, _, err) = await Run(ShortRun("--summary-json", summaryFile));
        Assert.True(code == CliHost.ExitOk, $"exit {code}: {err}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        var log = Path.Combine(summary.RootElement.GetProperty("run_dir").GetString()!, "log", "actortrainer.log");
        var lines = await File.ReadAllLinesAsync(log);

        // timestamp, level, source, message: the file sink's one template, whoever logged.
        var format = new Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} (VRB|DBG|INF|WRN|ERR|FTL) (?<source>\S+) \S");
        var sources = new HashSet<string>();
        foreach (var line in lines.Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && !l.StartsWith("---", StringComparison.Ordinal)))
        {
            var m = format.Match(line);
            Assert.True(m.Success, $"a log line not in the common format: {line}");
            sources.Add(m.Groups["source"].Value);
        }
        Assert.Contains("ActorTrainer.Cli.Commands.Train.TrainCommand", sources);   // ours, through ILogger
        Assert.Contains("ActorTrainer.Training.Control.Controller", sources);       // an actor, through Akka's ILoggingAdapter
        Assert.Contains("Akka.Actor.CoordinatedShutdown", sources);                 // Akka's own
        Assert.Contains(lines, l => l.Contains("Akka.Actor.CoordinatedShutdown CoordinatedShutdown invoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_stops_training_gracefully_with_a_final_checkpoint_and_exit_code_0()
    {
        using var train = CliProcess.Start("train", "--env", "CartPole-v1", "--plain", "--run-dir", _dir, "--hidden", "32,32",
            "--runners", "1", "--max-seconds", "300", "--checkpoint-interval-seconds", "3600");
        await train.LineAsync(l => l.Contains("] running ", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

        using (var kill = Process.Start("kill", ["-INT", train.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();

        Assert.Equal(CliHost.ExitOk, await train.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        // "stopped (requested)", or "solved (requested)" on a fast machine where the final evaluation already scores 475+.
        Assert.Matches(@"(stopped|solved) \(requested\) after", train.Output);
        var runDir = Assert.Single(Directory.GetDirectories(_dir));
        // The periodic checkpoint is an hour away, so this one was written by the graceful stop.
        Assert.True(File.Exists(Path.Combine(runDir, "latest", "COMPLETE")), train.Output);
        Assert.True(File.Exists(Path.Combine(runDir, "latest", "model.safetensors")));
    }
}
