using ActorTrainer.Environments;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using Akka;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Training.Runs;

/// <summary>
/// One training run: a validated config, its run directory and, once started in an actor system, the Controller with
/// its children. In your own generic host, plug it into Akka.Hosting:
/// <code>
/// var run = TrainingRun.Create(config);
/// builder.Services.AddAkka("actortrainer", akka => akka.WithActorTrainer(run));
/// </code>
/// or let it make an actor system of its own:
/// <code>
/// await using var run = TrainingRun.Start(TrainingDefaults.For("CartPole-v1") with { UntilSolved = true });
/// var summary = await run.Completion;
/// </code>
/// </summary>
public sealed class TrainingRun : IAsyncDisposable
{
    private readonly TrainingSetup _setup;
    private readonly TaskCompletionSource<TrainingSummary> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LateControl _control;
    private ActorSystem? _ownedSystem;
    private ILoggerFactory? _ownedLoggerFactory;
    private IActorRef? _controller;

    private TrainingRun(TrainingConfig config, RunDirectory directory, TrainingSetup setup, TrainingEvents events, TrainingRunOptions options)
    {
        Config = config;
        Directory = directory;
        _setup = setup;
        Events = events;
        Options = options;
        _control = new LateControl(this);
    }

    /// <summary>The Controller actor: send it Pause, Resume, Stop, SaveNow, GetStatus, SetVisual, SetSpeed.</summary>
    public IActorRef Controller => _controller ?? throw NotStarted();

    /// <summary>The same commands as tasks, for code outside the actor system (terminal, dashboard).</summary>
    public ITrainingControl Control => _control;

    public RunDirectory Directory { get; }

    /// <summary>The actor system hosting the run (for actors that join it from outside, e.g. the cluster layer).</summary>
    public ActorSystem System { get; private set; } = null!;

    public TrainingConfig Config { get; }
    public TrainingEvents Events { get; }
    public TrainingRunOptions Options { get; }

    /// <summary>Completes when the run has stopped (solved, limit reached, stopped by a command, or failed).</summary>
    public Task<TrainingSummary> Completion => _completion.Task;

    public bool IsStarted => _controller is not null;

    /// <summary>The external episodes the dashboard serves (DashboardOptions.External), once started; null when the run has no external environment.</summary>
    public External.ExternalEpisodeTable? External { get; private set; }

    /// <summary>
    /// Validates <paramref name="config"/> (every problem at once, as <see cref="InvalidConfigException"/>) and creates
    /// or reopens the run directory. Nothing trains until the run is started in an actor system
    /// (<see cref="TrainingHostingExtensions.WithActorTrainer"/> or <see cref="Start"/>).
    /// </summary>
    public static TrainingRun Create(TrainingConfig config, TrainingRunOptions? options = null)
    {
        options ??= new TrainingRunOptions();
        var registry = options.Registry ?? EnvironmentRegistry.Default;
        var (external, externalProblems) = ExternalRunSetup.Resolve(config, options, ref registry);
        var problems = TrainingConfigValidator.Validate(config, id => DescribeUnknownEnv(registry, id)).ToList();
        problems.AddRange(externalProblems);
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

        var setup = new TrainingSetup(networkSpec, config.SolveThreshold ?? envSpec.RewardThreshold ?? double.PositiveInfinity, registry, resume)
        {
            LocalRunners = external is null ? options.LocalRunners : 0,
            External = external,
            Gate = external?.Gate is { } gate ? new External.SerializedGate(gate) : null,
        };
        return new TrainingRun(config, run, setup, new TrainingEvents(), options);
    }

    /// <summary>
    /// <see cref="Create"/>, then starts the run in an actor system of its own, whose logs go to the factory that
    /// <see cref="TrainingRunOptions.CreateLoggerFactory"/> makes (disposed with the run).
    /// </summary>
    public static TrainingRun Start(TrainingConfig config, TrainingRunOptions? options = null)
    {
        var run = Create(config, options);
        var setup = BootstrapSetup.Create().WithConfig(TrainingHocon.Config);
        var systemSetup = ActorSystemSetup.Create(setup);
        if (run.Options.CreateLoggerFactory?.Invoke(run.Directory) is { } factory)
        {
            run._ownedLoggerFactory = factory;
            var withLogger = setup.WithConfig(Akka.Configuration.ConfigurationFactory
                .ParseString($"akka.loggers = [\"{typeof(LoggerFactoryLogger).AssemblyQualifiedName}\"]")
                .WithFallback(TrainingHocon.Config));
            systemSetup = ActorSystemSetup.Create(withLogger, new LoggerFactorySetup(factory));
        }
        run._ownedSystem = ActorSystem.Create("actortrainer", systemSetup);
        run.StartIn(run._ownedSystem);
        return run;
    }

    /// <summary>Creates the Controller (and through it every training actor) in <paramref name="system"/>. Once only.</summary>
    public IActorRef StartIn(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (_controller is not null) throw new InvalidOperationException($"run {Directory.RunId} is already started");
        System = system;
        Events.Log = system.Log;
        var clock = new RunClock(_setup.Resume?.Counters.ElapsedSeconds ?? 0, started: Config.MinRunners == 0);
        var children = ControllerChildren.Default(Config, Directory, _setup, Events, clock);
        _controller = system.ActorOf(Props.Create(() => new Controller(Config, Directory, _setup, clock, children, _completion)), "controller");
        if (_setup.External is { } external) External = ExternalRunSetup.Start(system, _controller, Config, _setup, external);
        // Akka's graceful shutdown (host stop, Ctrl+C, CoordinatedShutdown.Run) ends the run with its final checkpoint.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "actortrainer-final-checkpoint", async () =>
        {
            await StopGracefullyAsync(TrainingHocon.FinalCheckpointTimeout).ConfigureAwait(false);
            return Done.Instance;
        });
        return _controller;
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

    private async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (_controller is null || Completion.IsCompleted) return;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AskTimeoutException)
        {
            // Shutting down anyway; the newest periodic checkpoint stays on disk. Say so: it is data the user may miss.
            System.Log.Warning(ex, "the run did not finish its final checkpoint within {0}; latest/ holds the previous one", timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedSystem is { } system)
        {
            // Runs the final-checkpoint task above, then terminates the system.
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            await system.WhenTerminated.ConfigureAwait(false);
        }
        else
        {
            await StopGracefullyAsync(TrainingHocon.FinalCheckpointTimeout).ConfigureAwait(false);
        }
        // The factory made for this run (e.g. Serilog's async file sink) flushes on dispose: logs are complete now.
        _ownedLoggerFactory?.Dispose();
    }

    private static InvalidOperationException NotStarted() =>
        new("the run has not started: add WithActorTrainer(run) to AddAkka and start the host, or use TrainingRun.Start");

    // Commands go to the Controller once it exists; before that they fail with what to do.
    private sealed class LateControl(TrainingRun run) : ITrainingControl
    {
        private ControllerClient Client => new(run.Controller, run.Events);

        public Task<TrainingStatus> GetStatusAsync(CancellationToken ct) => Client.GetStatusAsync(ct);

        public Task<CommandResult> SendAsync(object command, CancellationToken ct) => Client.SendAsync(command, ct);

        public IReadOnlyList<MetricsSample> RecentMetrics(int max) => run.Events.Recent(max);

        public IDisposable SubscribeMetrics(Action<MetricsSample> onSample) => run.Events.SubscribeMetrics(onSample);

        public IDisposable SubscribeFrames(Action<VisualFrame> onFrame) => run.Events.SubscribeFrames(onFrame);
    }
}
