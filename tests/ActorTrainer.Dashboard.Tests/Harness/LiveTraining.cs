using ActorTrainer.Training.Tests.Support;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>
/// A real training (TrainingRun: Controller, runners, replay, learner, evaluator) in a temp run directory, small
/// enough for tests: a 64-unit network, two runners of four envs, no until-solved, and a max-seconds cap so a
/// test that dies cannot leave it running. Disposing stops it gracefully and deletes the directory.
/// </summary>
internal sealed class LiveTraining : IAsyncDisposable
{
    public static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    private LiveTraining(TrainingRun run, string root)
    {
        Run = run;
        Root = root;
    }

    public TrainingRun Run { get; }
    public ITrainingControl Control => Run.Control;

    /// <summary>The temp folder holding the run directory.</summary>
    public string Root { get; }

    public static LiveTraining Start(string env = "CartPole-v1", int runners = 2, double maxSeconds = 90)
    {
        var root = Directory.CreateTempSubdirectory("actortrainer-dashboard-test-").FullName;
        var config = TrainingDefaults.For(env) with
        {
            Hidden = [64],
            Runners = runners,
            EnvsPerRunner = 4,
            RunDir = root,
            UntilSolved = false,
            MaxSeconds = maxSeconds,
        };
        return new LiveTraining(TrainingRun.Start(config), root);
    }

    public Task<TrainingStatus> StatusAsync() => Control.GetStatusAsync(CancellationToken.None);

    /// <summary>The run's metrics ticks (one a second, paused or not) from now on; dispose it when done.</summary>
    public MetricsTicks Ticks() => new(Run.Events);

    /// <summary>
    /// Asks the Controller for its status until <paramref name="condition"/> holds: now, then after each metrics
    /// tick the run publishes (or when the run ends); fails naming <paramref name="what"/>.
    /// </summary>
    public async Task<TrainingStatus> WaitForAsync(Func<TrainingStatus, bool> condition, string what, TimeSpan? giveUp = null)
    {
        var deadline = DateTime.UtcNow + (giveUp ?? GiveUp);
        using var ticks = Ticks();
        while (true)
        {
            ticks.Skip(); // ticks from before this ask say nothing new: the next ask follows the next tick
            var s = await StatusAsync();
            if (condition(s)) return s;
            if (DateTime.UtcNow > deadline || Run.Completion.IsCompleted)
                throw new TimeoutException($"gave up waiting for {what}; last status: {s.State}, {s.EnvSteps} env steps, {s.Updates} updates, best eval {s.BestEvalReturn}");
            var left = deadline - DateTime.UtcNow;
            try { await Task.WhenAny(ticks.NextAsync(left), Run.Completion).WaitAsync(left); }
            catch (TimeoutException) { } // the deadline check above reports it with the last status
        }
    }

    /// <summary>Waits until the runners are stepping, the learner is updating and one evaluation has finished.</summary>
    public Task<TrainingStatus> WarmAsync() =>
        WaitForAsync(s => s.EnvSteps > 0 && s.Updates > 0 && s.BestEvalReturn is not null && Control.RecentMetrics(3).Count >= 3,
            "the training to step, learn and evaluate once");

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a temp folder; the OS cleans it eventually */ }
    }
}
