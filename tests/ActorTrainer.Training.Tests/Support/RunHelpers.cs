using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Tests.Support;

internal static class RunHelpers
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Polls the Controller's status until <paramref name="condition"/> holds (gives up after a generous timeout).</summary>
    public static async Task<TrainingStatus> WaitForStatus(TrainingRun run, Func<TrainingStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        TrainingStatus status;
        while (true)
        {
            status = await run.Control.GetStatusAsync(CancellationToken.None);
            if (condition(status)) return status;
            if (run.Completion.IsCompleted)
                throw new Xunit.Sdk.XunitException($"the run ended before {what}: {(await run.Completion).StopReason} {(await run.Completion).Error}");
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"gave up waiting for {what}; last status {status}");
            await Task.Delay(50);
        }
    }

    public static Task<TrainingSummary> Finished(TrainingRun run) => run.Completion.WaitAsync(RunTimeout);
}
