using System.Diagnostics;

namespace ActorTrainer.Training.Control;

/// <summary>
/// The run's elapsed seconds: what earlier processes of a resumed run trained, plus this process's time since the
/// Controller started. Read by the Controller and its parts; thread-safe (a started Stopwatch is only read).
/// </summary>
public sealed class RunClock(double secondsBefore)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public double Elapsed => secondsBefore + _watch.Elapsed.TotalSeconds;
}
