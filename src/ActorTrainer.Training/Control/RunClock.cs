using System.Diagnostics;

namespace ActorTrainer.Training.Control;

/// <summary>
/// The run's elapsed seconds: what earlier processes of a resumed run trained, plus this process's time since the run
/// started (the Controller's start, or the moment min-runners runners were up). Read by the Controller and its parts;
/// thread-safe (the Stopwatch is started once, by the Controller, and otherwise only read).
/// </summary>
public sealed class RunClock
{
    private readonly double _secondsBefore;
    private readonly Stopwatch _watch = new();

    public RunClock(double secondsBefore, bool started = true)
    {
        _secondsBefore = secondsBefore;
        if (started) _watch.Start();
    }

    public bool Started => _watch.IsRunning;

    /// <summary>Starts a clock made not started; does nothing to a running one.</summary>
    public void Start()
    {
        if (!_watch.IsRunning) _watch.Start();
    }

    public double Elapsed => _secondsBefore + _watch.Elapsed.TotalSeconds;
}
