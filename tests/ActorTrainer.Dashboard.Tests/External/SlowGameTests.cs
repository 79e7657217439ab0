using ActorTrainer.Training.Tests.Support;
using ActorTrainer.Dashboard.Client;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Dashboard.Tests.External;

/// <summary>
/// A slow game: one observation a second for 10 s, through the .NET client. With min-updates-per-second 20 the learner
/// trains between observations on the few transitions it has; samples-per-insert alone would allow only a handful of
/// updates for 10 transitions.
/// </summary>
public sealed class SlowGameTests
{
    [Fact]
    public async Task The_learner_keeps_training_between_slow_observations_and_stops_when_told()
    {
        var root = Directory.CreateTempSubdirectory("actortrainer-slow-game-").FullName;
        var config = ExternalRun.Config(root) with { MinReplay = 2, BatchSize = 2, MinUpdatesPerSecond = 20, NSteps = 1 };
        await using var run = TrainingRun.Start(config);
        await using var server = await DashboardServer.StartAsync(run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0", External = run.External },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var game = new ExternalEnvironmentClient(server.BaseAddress);

        var episode = await game.StartEpisode();
        using (var pace = new PeriodicTimer(TimeSpan.FromSeconds(1))) // the game's own pace: one observation a second (the scenario, not a wait)
        {
            for (var second = 0; second < 10; second++)
            {
                await game.Act(episode, new float[] { second * 0.1f, 0, 0, 0 });
                await game.LogReturns(episode, 1.0);
                await pace.WaitForNextTickAsync();
            }
        }
        Assert.Equal(10.0, await game.End(episode, new float[] { 1, 0, 0, 0 }, terminated: true));

        // 10 transitions at 4 samples per insert would allow about 20 samples, i.e. 10 updates of 2; the pace gives 20 a second.
        // Learner stats reach the status once a second: ask again after each metrics tick.
        using var ticks = new MetricsTicks(run.Events);
        TrainingStatus s;
        for (var i = 0; (s = await run.Control.GetStatusAsync(CancellationToken.None)).Updates < 100; i++)
        {
            Assert.True(i < 60, $"only {s.Updates} updates 60 ticks after the slow game; min-updates-per-second did not pace the learner");
            await ticks.NextAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(10, s.EnvSteps); // every update beyond the ratio came from the pace, not from new experience

        var summary = await run.StopAsync();
        Assert.Equal("requested", summary.StopReason);
        Assert.Null(summary.Error);
        Assert.True((await run.Control.GetStatusAsync(CancellationToken.None)).State == RunState.Stopped);
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
