using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Training.Tests.Runs;

/// <summary>Runners crash because the user's environment throws; the run survives once, and ends cleanly when it never stops.</summary>
[Collection(RunCollection.Name)]
public sealed class RunnerCrashTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturedLogs _logs = new();

    public void Dispose() => _dir.Dispose();

    // Evaluation would play the flaky environment too; keep it out of the way until the final evaluation.
    private TrainingConfig Config => Small.CartPole(_dir.Path) with { Env = "Flaky-v0", EvalIntervalSeconds = 3600, MaxSeconds = 60 };

    [Fact]
    public async Task A_runner_that_crashes_once_is_restarted_and_the_run_finishes_normally()
    {
        var crashes = 0;
        var registry = FlakyCartPole.Registry(throwAfterSteps: 300, shouldThrow: () => Interlocked.Increment(ref crashes) == 1);
        await using var run = TrainingRun.Start(Config with { MaxSteps = 12_000 },
            new TrainingRunOptions { Registry = registry, CreateLoggerFactory = _ => _logs.Factory });

        var summary = await RunHelpers.Finished(run);

        Assert.True(Volatile.Read(ref crashes) >= 1, "the environment never crashed, so nothing was tested");
        Assert.Null(summary.Error);
        Assert.Equal("max-steps 12000 reached", summary.StopReason);
        Assert.True(summary.EnvSteps >= 12_000);
        await _logs.WaitForAsync(e => e.Exception?.Message == FlakyCartPole.Message, RunHelpers.RunTimeout); // logged with its cause
        var status = await run.Control.GetStatusAsync(CancellationToken.None);
        Assert.Null(status.Error);
        Assert.All(status.Runners, r => Assert.True(r.EnvSteps > 0, $"runner {r.Id} never stepped"));
    }

    [Fact]
    public async Task A_runner_that_always_crashes_ends_the_run_with_an_error_naming_it_and_a_checkpoint()
    {
        var registry = FlakyCartPole.Registry(throwAfterSteps: 50, shouldThrow: () => true);
        await using var run = TrainingRun.Start(Config with { Runners = 1 },
            new TrainingRunOptions { Registry = registry, CreateLoggerFactory = _ => _logs.Factory });

        var summary = await RunHelpers.Finished(run);

        Assert.Equal("error", summary.StopReason);
        Assert.NotNull(summary.Error);
        Assert.Contains("runner 0", summary.Error);
        // The pool's error goes through Akka's event stream, and may reach the log after the run has ended.
        await _logs.WaitForAsync(e => e.Level == LogLevel.Error && e.Message.Contains("runner 0 crashed", StringComparison.Ordinal), RunHelpers.RunTimeout);
        var latest = run.Directory.Latest.ResolveReadable();
        Assert.NotNull(latest);
        Assert.True(File.Exists(Path.Combine(latest, "model.safetensors")), "no checkpoint was saved when the run failed");
    }

    [Fact]
    public async Task Stop_while_a_crashed_runner_waits_for_its_restart_still_ends_cleanly()
    {
        var crashes = 0;
        var secondCrash = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registry = FlakyCartPole.Registry(throwAfterSteps: 100, shouldThrow: () =>
        {
            if (Interlocked.Increment(ref crashes) >= 2) secondCrash.TrySetResult();
            return true;
        });
        await using var run = TrainingRun.Start(Config with { Runners = 1 },
            new TrainingRunOptions { Registry = registry, CreateLoggerFactory = _ => _logs.Factory });
        // The runner lives for milliseconds and then waits 100 ms, 200 ms, ... for its restart: most of the time
        // it is between incarnations, which is when the Stop arrives here.
        await secondCrash.Task.WaitAsync(RunHelpers.RunTimeout);
        Assert.True(Volatile.Read(ref crashes) >= 2, "the runner did not crash");

        var answer = await run.Control.SendAsync(new ActorTrainer.Training.Control.Stop("stop during backoff"), CancellationToken.None);
        Assert.True(answer.Ok, answer.Error);
        var summary = await RunHelpers.Finished(run);
        Assert.Null(summary.Error);
        Assert.Equal("stop during backoff", summary.StopReason);
    }
}
