using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Tests.Support;

internal static class RunHelpers
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Asks the Controller for its status until <paramref name="condition"/> holds: once now, then again at each
    /// metrics tick the run publishes (or when the run ends). Gives up after a generous timeout.
    /// </summary>
    public static async Task<TrainingStatus> WaitForStatus(TrainingRun run, Func<TrainingStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        using var ticks = new MetricsTicks(run.Events);
        TrainingStatus status;
        while (true)
        {
            ticks.Skip(); // ticks from before this ask say nothing new: the next ask follows the next tick
            status = await run.Control.GetStatusAsync(CancellationToken.None);
            if (condition(status)) return status;
            if (run.Completion.IsCompleted)
                throw new Xunit.Sdk.XunitException($"the run ended before {what}: {(await run.Completion).StopReason} {(await run.Completion).Error}");
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"gave up waiting for {what}; last status {status}");
            var left = deadline - DateTime.UtcNow;
            try { await Task.WhenAny(ticks.NextAsync(left), run.Completion).WaitAsync(left); }
            catch (TimeoutException) { } // the deadline check above reports it with the last status
        }
    }

    public static Task<TrainingSummary> Finished(TrainingRun run) => run.Completion.WaitAsync(RunTimeout);
}
