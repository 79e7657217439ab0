using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;

namespace ActorTrainer.Training.Tests.Runs;

/// <summary>Akka's graceful shutdown (what a host's stop or Ctrl+C runs) ends a run with its final checkpoint.</summary>
[Collection(RunCollection.Name)]
public sealed class CoordinatedShutdownTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Running_CoordinatedShutdown_stops_the_run_gracefully_and_writes_latest()
    {
        await using var run = TrainingRun.Start(Small.CartPole(_dir.Path) with { CheckpointIntervalSeconds = 3600 });
        await RunHelpers.WaitForStatus(run, s => s.Updates > 0, "the first updates");
        Assert.Null(run.Directory.Latest.ResolveReadable()); // no periodic checkpoint yet: only the shutdown can write one

        await CoordinatedShutdown.Get(run.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        var summary = await RunHelpers.Finished(run);

        Assert.Null(summary.Error);
        Assert.Equal("requested", summary.StopReason);
        var latest = run.Directory.Latest.ResolveReadable();
        Assert.NotNull(latest);
        var counters = CheckpointStore.ReadLatestCounters(run.Directory);
        Assert.Equal(summary.Updates, counters.Updates);
        Assert.True(run.System.WhenTerminated.IsCompleted, "the actor system should have terminated after the run stopped");
    }
}
