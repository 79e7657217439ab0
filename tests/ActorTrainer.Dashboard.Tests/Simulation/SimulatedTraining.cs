using System.Diagnostics;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Simulation;

/// <summary>
/// A stand-in training behind <see cref="ITrainingControl"/> with the Controller's state machine
/// (running -> paused -> running, running|paused -> stopping -> stopped) and the same answers
/// (WrongState / InvalidArgument). It advances counters and emits metrics and frames from background loops,
/// so the dashboard sees a live run. The lead swaps it for the real Controller once that exists.
/// </summary>
internal sealed class SimulatedTraining : ITrainingControl, IDisposable
{
    public const double MaxFps = 120;

    private readonly Lock _gate = new();
    private readonly List<MetricsSample> _history = [];
    private readonly List<Action<MetricsSample>> _metricSubscribers = [];
    private readonly List<Action<VisualFrame>> _frameSubscribers = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _tickLoop;
    private readonly Task? _frameLoop;
    private readonly string _env;
    private readonly int _runners;
    private RunState _state = RunState.Running;
    private long _envSteps, _updates, _episodes, _weightsVersion, _frameSequence, _ticks;
    private double? _bestEval, _lastEval;
    private int? _watched;
    private double _fps = 30;

    public SimulatedTraining(string env = "CartPole-v1", int runners = 2, TimeSpan? tick = null, bool autoFrames = true)
    {
        _env = env;
        _runners = runners;
        _tickLoop = Task.Run(() => TickLoopAsync(tick ?? TimeSpan.FromMilliseconds(100)));
        if (autoFrames) _frameLoop = Task.Run(FrameLoopAsync);
    }

    public int Saves { get; private set; }
    public List<object> Received { get; } = [];

    public RunState State { get { lock (_gate) return _state; } }

    public Task<TrainingStatus> GetStatusAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(new TrainingStatus
            {
                RunId = "sim-run",
                Env = _env,
                State = _state,
                ElapsedSeconds = _clock.Elapsed.TotalSeconds,
                EnvSteps = _envSteps,
                Updates = _updates,
                Episodes = _episodes,
                WeightsVersion = _weightsVersion,
                EnvStepsPerSecond = _state == RunState.Running ? 5000 : 0,
                UpdatesPerSecond = _state == RunState.Running ? 500 : 0,
                RecentMeanReturn = _episodes == 0 ? null : Math.Min(500, 10 + _episodes),
                LastEvalReturn = _lastEval,
                BestEvalReturn = _bestEval,
                Loss = _updates == 0 ? null : 1.0 / (1 + _updates / 100.0),
                ReplaySize = (int)Math.Min(_envSteps, 100_000),
                ReplayCapacity = 100_000,
                Solved = false,
                WatchedRunner = _watched,
                FrameFps = _watched is null ? 0 : _fps,
                Runners = Enumerable.Range(0, _runners)
                    .Select(i => new RunnerStatus(i, "local", _envSteps / _runners, _episodes / _runners, _weightsVersion - i, i, 0.1 + 0.1 * i, _watched == i, true))
                    .ToList(),
                Members =
                [
                    new MemberStatus("learner-1", "learner", 0, DateTimeOffset.UtcNow, true),
                    new MemberStatus("local", "runner", _runners, DateTimeOffset.UtcNow.AddSeconds(-1), true),
                ],
            });
        }
    }

    public Task<CommandResult> SendAsync(object command, CancellationToken ct)
    {
        lock (_gate)
        {
            Received.Add(command);
            return Task.FromResult(Handle(command));
        }
    }

    private CommandResult Handle(object command)
    {
        switch (command)
        {
            case Pause when _state == RunState.Running:
                _state = RunState.Paused;
                return CommandResult.Done(_state);
            case Pause:
                return CommandResult.WrongState(_state, $"cannot pause: the run is {Word(_state)}");
            case Resume when _state == RunState.Paused:
                _state = RunState.Running;
                return CommandResult.Done(_state);
            case Resume:
                return CommandResult.WrongState(_state, $"cannot resume: the run is {Word(_state)}");
            case Stop when _state is RunState.Running or RunState.Paused:
                _state = RunState.Stopping; // the tick loop finishes the stop, as in-flight work would
                return CommandResult.Done(_state);
            case Stop:
                return CommandResult.WrongState(_state, $"cannot stop: the run is {Word(_state)}");
            case SaveNow when _state is RunState.Running or RunState.Paused:
                Saves++;
                return CommandResult.Done(_state);
            case SaveNow:
                return CommandResult.WrongState(_state, $"cannot save: the run is {Word(_state)}");
            case SetVisual v:
                if (v.RunnerId < 0 || v.RunnerId >= _runners)
                    return CommandResult.Invalid(_state, $"runner {v.RunnerId} does not exist; runners are 0..{_runners - 1}");
                if (!(v.Fps > 0 && v.Fps <= MaxFps))
                    return CommandResult.Invalid(_state, $"fps must be in (0, {MaxFps}], got {v.Fps}");
                if (_state == RunState.Stopped) return CommandResult.WrongState(_state, "cannot watch: the run is stopped");
                if (v.On) { _watched = v.RunnerId; _fps = v.Fps; }
                else if (_watched == v.RunnerId) _watched = null;
                return CommandResult.Done(_state);
            case SetSpeed s:
                if (!(s.Fps > 0 && s.Fps <= MaxFps))
                    return CommandResult.Invalid(_state, $"fps must be in (0, {MaxFps}], got {s.Fps}");
                if (_watched is null) return CommandResult.WrongState(_state, "no runner is watched; turn visual mode on first");
                _fps = s.Fps;
                return CommandResult.Done(_state);
            default:
                return CommandResult.Invalid(_state, $"unknown command {command.GetType().Name}");
        }
    }

    private static string Word(RunState s) => s.ToString().ToLowerInvariant();

    public IReadOnlyList<MetricsSample> RecentMetrics(int max)
    {
        lock (_gate) return _history.Skip(Math.Max(0, _history.Count - max)).ToList();
    }

    public IDisposable SubscribeMetrics(Action<MetricsSample> onSample)
    {
        lock (_gate) _metricSubscribers.Add(onSample);
        return new Unsubscribe(() => { lock (_gate) _metricSubscribers.Remove(onSample); });
    }

    public IDisposable SubscribeFrames(Action<VisualFrame> onFrame)
    {
        lock (_gate) _frameSubscribers.Add(onFrame);
        return new Unsubscribe(() => { lock (_gate) _frameSubscribers.Remove(onFrame); });
    }

    /// <summary>Publishes <paramref name="count"/> frames of the watched runner back to back; returns the last sequence.</summary>
    public long PublishFrames(int count, int cellsSide = 0)
    {
        long seq = 0;
        for (var i = 0; i < count; i++) seq = PublishFrame(cellsSide);
        return seq;
    }

    private long PublishFrame(int cellsSide)
    {
        Action<VisualFrame>[] subscribers;
        long seq;
        int runner;
        lock (_gate)
        {
            seq = ++_frameSequence;
            runner = _watched ?? 0;
            subscribers = [.. _frameSubscribers];
        }
        var frame = cellsSide > 0 || _env.StartsWith("Tetris", StringComparison.OrdinalIgnoreCase)
            ? MakeCells(runner, seq, cellsSide > 0 ? cellsSide : 0)
            : VisualFrame.FromState(_env, runner, seq, [(float)Math.Sin(seq / 50.0), 0, (float)(0.2 * Math.Sin(seq / 10.0)), 0]);
        foreach (var s in subscribers) s(frame);
        return seq;
    }

    private VisualFrame MakeCells(int runner, long seq, int side)
    {
        var (w, h) = side > 0 ? (side, side) : (10, 20);
        var cells = new byte[w * h];
        for (var i = 0; i < cells.Length; i++) cells[i] = (byte)((i + seq) % 8 == 0 && i > cells.Length / 2 ? 1 + i % 7 : 0);
        return VisualFrame.FromCells(_env, runner, seq, cells, w, h);
    }

    private async Task TickLoopAsync(TimeSpan tick)
    {
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token))
            {
                MetricsSample[] samples;
                Action<MetricsSample>[] subscribers;
                lock (_gate)
                {
                    if (_state == RunState.Stopping) _state = RunState.Stopped;
                    if (_state != RunState.Running) continue;
                    _ticks++;
                    _envSteps += 500;
                    _updates += 50;
                    _episodes += 1;
                    _weightsVersion += 1;
                    var episodeReturn = 10 + _ticks * 2 + 15 * Math.Sin(_ticks / 3.0);
                    var list = new List<MetricsSample> { Sample("tick", episodeReturn) };
                    if (_ticks % 5 == 0)
                    {
                        _lastEval = 10 + _ticks * 2.2;
                        _bestEval = Math.Max(_bestEval ?? double.MinValue, _lastEval.Value);
                        list.Add(Sample("eval", null));
                    }
                    _history.AddRange(list);
                    if (_history.Count > 5000) _history.RemoveRange(0, _history.Count - 5000);
                    samples = [.. list];
                    subscribers = [.. _metricSubscribers];
                }
                foreach (var s in samples)
                    foreach (var sub in subscribers) sub(s);
            }
        }
        catch (OperationCanceledException) { }
    }

    private MetricsSample Sample(string kind, double? episodeReturn) => new()
    {
        Kind = kind,
        Time = _clock.Elapsed.TotalSeconds,
        EnvSteps = _envSteps,
        Updates = _updates,
        Episodes = _episodes,
        WeightsVersion = _weightsVersion,
        EnvStepsPerSecond = 5000 + 300 * Math.Sin(_ticks / 4.0),
        UpdatesPerSecond = 500 + 40 * Math.Cos(_ticks / 4.0),
        EpisodeReturn = episodeReturn,
        MeanReturn = kind == "tick" ? 10 + _ticks * 2 : null,
        EvalReturn = kind == "eval" ? _lastEval : null,
        BestEvalReturn = _bestEval,
        Loss = 1.0 / (1 + _ticks / 10.0),
        ReplayFill = Math.Min(1.0, _envSteps / 100_000.0),
        MeanStaleness = 1 + Math.Abs(Math.Sin(_ticks / 5.0)),
    };

    // The watched runner's frames, at its requested fps, while running.
    private async Task FrameLoopAsync()
    {
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                double fps;
                bool on;
                lock (_gate)
                {
                    fps = _fps;
                    on = _watched is not null && _state == RunState.Running;
                }
                if (on) PublishFrame(0);
                await Task.Delay(TimeSpan.FromSeconds(1 / Math.Max(1, fps)), _cts.Token);
            }
        }
        catch (OperationCanceledException) { }
    }

    public void Dispose()
    {
        _cts.Cancel();
        try { Task.WaitAll([_tickLoop, _frameLoop ?? Task.CompletedTask], TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _cts.Dispose();
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) action();
        }
    }
}
