using System.Globalization;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>Not in a terminal (CI, pipes, files): one plain line every few seconds until the run completes.</summary>
public sealed class PlainReporter(TrainingRun run, TextWriter output, double intervalSeconds = 3)
{
    public async Task RunAsync()
    {
        while (!run.Completion.IsCompleted)
        {
            await Task.WhenAny(run.Completion, Task.Delay(TimeSpan.FromSeconds(intervalSeconds)));
            if (run.Events.LastStatus is { } s) output.WriteLine(Line(s));
        }
    }

    public static string Line(TrainingStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"[{s.ElapsedSeconds,6:F1}s] {s.State.ToString().ToLowerInvariant(),-8} steps {s.EnvSteps,10:N0} ({s.EnvStepsPerSecond,9:N0}/s) " +
        $"updates {s.Updates,8:N0} ({s.UpdatesPerSecond,6:N0}/s) episodes {s.Episodes,6:N0} mean {TrainCommand.Format(s.RecentMeanReturn),7} " +
        $"eval {TrainCommand.Format(s.LastEvalReturn),7} best {TrainCommand.Format(s.BestEvalReturn),7} v{s.WeightsVersion} " +
        $"replay {s.ReplaySize:N0}/{s.ReplayCapacity:N0}{(s.WaitingFor is { } w ? $" ({w})" : "")}");
}
