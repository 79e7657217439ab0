using System.Text.Json;
using ActorTrainer.Environments;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// 1. Register your own environment (any IEnvironment) next to the built-in ones.
var registry = EnvironmentRegistry.WithBuiltIns();
registry.Register("WalkToGoal-v0", _ => new WalkToGoal(), maxEpisodeSteps: 50, rewardThreshold: 0,
    description: "walk right along a line of 10 cells to the goal");

// 2. Configure: unset options keep their defaults; a tiny problem needs only a small network.
var config = new TrainingConfig
{
    Env = "WalkToGoal-v0",
    Seed = 3,
    Runners = 2,
    EnvsPerRunner = 4,
    Hidden = [32, 32],
    BatchSize = 32,
    MinReplay = 500,
    EvalIntervalSeconds = 0.5,
    SolveEpisodes = 20,
    UntilSolved = true,       // stop once a greedy 20-episode mean reaches the threshold (0)
    MaxSteps = 200_000,       // ...or give up after this many env steps
    RunDir = args.Length > 0 ? args[0] : "runs",
};

// 3. Host it in your own generic host: the run plugs into Akka.Hosting's AddAkka, next to your own actors.
//    Akka's logs go through the host's logging (here to stderr, so stdout carries only the results).
var run = TrainingRun.Create(config, new TrainingRunOptions { Registry = registry });
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddAkka("walk-to-goal", akka => akka
    .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
    .WithActorTrainer(run));
using var host = builder.Build();
await host.StartAsync();   // the actors run on their own threads; this program stays free
Console.WriteLine($"training in {run.Directory.Path}");

// 4. Control it with the same commands the CLI and dashboard use (each answer says whether it was done).
var paused = await run.Control.SendAsync(new Pause(), CancellationToken.None);
Console.WriteLine($"pause: {(paused.Ok ? "ok" : paused.Error)}");
var status = await run.Control.GetStatusAsync(CancellationToken.None);
Console.WriteLine($"state {status.State} at {status.EnvSteps} env steps, {status.Updates} updates");
var resumed = await run.Control.SendAsync(new Resume(), CancellationToken.None);
Console.WriteLine($"resume: {(resumed.Ok ? "ok" : resumed.Error)}");

// 5. Wait for the end and read the summary (best/ and latest/ are in the run directory).
var summary = await run.Completion;
await host.StopAsync();
Console.WriteLine($"{summary.StopReason}: solved={summary.Solved}, best greedy return {summary.BestEvalReturn:F2}, {summary.EnvSteps} env steps");
Console.WriteLine(JsonSerializer.Serialize(summary));
return summary.Solved ? 0 : 1;

/// <summary>
/// A line of cells 0..10; the agent starts in one of cells 0..4 and steps left (0) or right (1).
/// Each step costs 1; reaching cell 10 pays 10 and ends the episode. Best return: 11 - steps needed (at least 1).
/// </summary>
sealed class WalkToGoal : IEnvironment
{
    private const int Goal = 10;
    private Random _random = new(0);
    private int _position;

    public BoxSpace ObservationSpace { get; } = new([0f], [1f]);
    public DiscreteSpace ActionSpace { get; } = new(2);
    public bool HasActionMask => false;

    public void GetActionMask(Span<bool> mask) => mask.Fill(true);

    public void Reset(int? seed, Span<float> observation)
    {
        if (seed is { } s) _random = new Random(s);
        _position = _random.Next(0, 5);
        observation[0] = (float)_position / Goal;
    }

    public StepResult Step(int action, Span<float> observation)
    {
        _position = Math.Max(0, _position + (action == 1 ? 1 : -1));
        observation[0] = (float)_position / Goal;
        return _position == Goal ? new StepResult(10f, Terminated: true, Truncated: false) : new StepResult(-1f, false, false);
    }

    public Frame Render() => Frame.FromState("walk", ["position"], [_position]);
}
