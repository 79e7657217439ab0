using ActorTrainer.Actors;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTrainer.Training.Runs;

/// <summary>
/// One training run hosted in this process: validates the config, prepares the run directory, starts an actor
/// system with the Controller and its children, and exposes the control surface. This is what the `train`
/// command uses, and what a program that embeds ActorTrainer uses:
/// <code>
/// await using var run = TrainingRun.Start(TrainingDefaults.For("CartPole-v1") with { UntilSolved = true });
/// var summary = await run.Completion;
/// </code>
/// </summary>
public sealed class TrainingRun : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ILoggerFactory? _ownedLoggerFactory;

    private TrainingRun(ActorSystem system, IActorRef controller, RunDirectory directory, TrainingConfig config,
        TrainingEvents events, Task<TrainingSummary> completion, ILoggerFactory? ownedLoggerFactory)
    {
        _system = system;
        _ownedLoggerFactory = ownedLoggerFactory;
        Controller = controller;
        Directory = directory;
        Config = config;
        Events = events;
        Completion = completion;
        Control = new ControllerClient(controller, events);
    }

    /// <summary>The Controller actor: send it Pause, Resume, Stop, SaveNow, GetStatus, SetVisual, SetSpeed.</summary>
    public IActorRef Controller { get; }

    /// <summary>The same commands as tasks, for code outside the actor system (terminal, dashboard).</summary>
    public ITrainingControl Control { get; }

    public RunDirectory Directory { get; }

    /// <summary>The actor system hosting the run, for actors that join it from outside (the cluster bridge).</summary>
    public ActorSystem System => _system;
    public TrainingConfig Config { get; }
    public TrainingEvents Events { get; }

    /// <summary>Completes when the run has stopped (solved, limit reached, stopped by a command, or failed).</summary>
    public Task<TrainingSummary> Completion { get; }

    /// <summary>
    /// Validates <paramref name="config"/> (every problem at once, as <see cref="InvalidConfigException"/>), creates
    /// or reopens the run directory and starts training.
    /// </summary>
    public static TrainingRun Start(TrainingConfig config, TrainingRunOptions? options = null)
    {
        options ??= new TrainingRunOptions();
        var registry = options.Registry ?? EnvironmentRegistry.Default;
        var problems = TrainingConfigValidator.Validate(config, id => DescribeUnknownEnv(registry, id)).ToList();
        if (registry.Contains(config.Env)) problems.AddRange(TrainingEnvironment.Problems(registry, config));
        if (problems.Count > 0) throw new InvalidConfigException(problems);

        var envSpec = registry.GetSpec(config.Env);
        var networkSpec = TrainingEnvironment.NetworkSpec(registry, config);

        RunDirectory run;
        ResumeState? resume = null;
        if (options.ResumeFrom is { } resumePath)
        {
            run = RunDirectory.OpenExisting(resumePath);
            resume = CheckpointStore.LoadLatest(run, networkSpec);
        }
        else
        {
            run = RunDirectory.CreateNew(config.RunDir, config.Env, DateTimeOffset.UtcNow);
        }
        run.WriteConfig(config);

        var ownedLoggerFactory = options.CreateLoggerFactory?.Invoke(run);
        var loggerFactory = ownedLoggerFactory ?? NullLoggerFactory.Instance;
        var setup = new TrainingSetup(networkSpec, config.SolveThreshold ?? envSpec.RewardThreshold ?? double.PositiveInfinity, registry, resume) { LocalRunners = options.LocalRunners };
        var events = new TrainingEvents();
        var completion = new TaskCompletionSource<TrainingSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var system = ActorSystem.Create("actortrainer", new ActorSystemOptions { LoggerFactory = loggerFactory });
        var controller = system.ActorOf(
            Props.Create(() => new Controller(config, run, setup, events, completion, loggerFactory.CreateLogger("Controller"))),
            "controller");
        return new TrainingRun(system, controller, run, config, events, completion.Task, ownedLoggerFactory);
    }

    private static string? DescribeUnknownEnv(EnvironmentRegistry registry, string id)
    {
        try
        {
            registry.GetSpec(id);
            return null;
        }
        catch (UnknownEnvironmentException ex)
        {
            // The registry picks the suggestion; the wording here is the config validator's.
            return ex.Suggestion is null
                ? $"unknown env '{id}'; known: {string.Join(", ", ex.KnownIds)}"
                : $"unknown env '{id}', did you mean {ex.Suggestion}?";
        }
    }

    /// <summary>Asks for a graceful stop and waits for the run to finish.</summary>
    public async Task<TrainingSummary> StopAsync(CancellationToken cancellationToken = default)
    {
        if (!Completion.IsCompleted) await Control.SendAsync(new Stop(), cancellationToken).ConfigureAwait(false);
        return await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Completion.IsCompleted)
        {
            try
            {
                await StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or AskTimeoutException)
            {
                // Tearing down anyway; the last periodic checkpoint stays on disk.
            }
        }
        await _system.Terminate().ConfigureAwait(false);
        // The factory made for this run (e.g. Serilog's async file sink) flushes on dispose: logs are complete now.
        _ownedLoggerFactory?.Dispose();
    }
}
