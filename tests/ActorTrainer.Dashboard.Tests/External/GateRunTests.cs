using ActorTrainer.Training.Tests.Support;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Dashboard.Tests.External;

/// <summary>A run with an action gate: vetoed actions never reach the game, and the agreement rate shows in status and metrics.</summary>
public sealed class GateRunTests
{
    /// <summary>The game's rule: action 1 is never allowed while the first observation value is positive.</summary>
    private sealed class NoRightWhenPositive : IActionGate
    {
        public GateVerdict Check(ReadOnlySpan<float> observation, int action) =>
            observation[0] > 0 && action == 1 ? GateVerdict.Veto : new GateVerdict(true, 0.5);
    }

    [Fact]
    public async Task Vetoed_actions_are_replaced_and_the_agreement_rate_is_in_status_and_metrics()
    {
        var root = Directory.CreateTempSubdirectory("actortrainer-gate-run-").FullName;
        var game = new ExternalEnvironment(observationSize: 4, actions: 2) { Gate = new NoRightWhenPositive() };
        await using var run = TrainingRun.Start(ExternalRun.Config(root) with { GateRewardWeight = 0.3, GateDisagreement = GateDisagreement.Penalty },
            new TrainingRunOptions { External = game });
        var table = run.External!;
        Assert.True(table.Start(training: true, out var id).Ok);
        var rng = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var obs = new[] { (float)rng.NextDouble() * 2 - 1, 0f, 0f, 0f };
            var a = await table.ActAsync(id, obs, null);
            Assert.True(a.Result.Ok);
            if (obs[0] > 0) Assert.Equal(0, a.Action);
        }
        // ExternalStats reach the status with the run's stats reports: ask again after each metrics tick.
        using var ticks = new MetricsTicks(run.Events);
        TrainingStatus s;
        for (var i = 0; (s = await run.Control.GetStatusAsync(CancellationToken.None)).External is not { GateChecks: 200 }; i++)
        {
            Assert.True(i < 30, "status never showed the gate's 200 checks in 30 ticks");
            await ticks.NextAsync(TimeSpan.FromSeconds(30));
        }
        Assert.InRange(s.External!.GateAgreementRate!.Value, 0.0, 1.0);
        Assert.Equal(table.Policy.Agreement.Rate, s.External.GateAgreementRate);
        for (var i = 0; !run.Control.RecentMetrics(5).Any(m => m.GateAgreementRate is not null); i++)
        {
            Assert.True(i < 30, "metrics never carried the gate agreement rate in 30 ticks");
            await ticks.NextAsync(TimeSpan.FromSeconds(30));
        }
        await run.StopAsync();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
