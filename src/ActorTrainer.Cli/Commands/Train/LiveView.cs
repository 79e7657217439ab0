using System.Globalization;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Spectre.Console;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>The terminal view: live figures, and keys p (pause/resume), s (save now), q (stop).</summary>
public sealed class LiveView(TrainingRun run)
{
    private string _message = "keys: p pause/resume, s save now, q stop";

    /// <summary>Whether the view can run for a command writing to <paramref name="stdout"/>: it needs a terminal for its output and its keys.</summary>
    public static bool CanShow(TextWriter stdout) => ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && !Console.IsInputRedirected;

    public async Task RunAsync()
    {
        await AnsiConsole.Live(Render(run.Events.LastStatus)).AutoClear(false).StartAsync(async ctx =>
        {
            while (!run.Completion.IsCompleted)
            {
                await HandleKeysAsync();
                ctx.UpdateTarget(Render(run.Events.LastStatus));
                await Task.WhenAny(run.Completion, Task.Delay(250));
            }
            ctx.UpdateTarget(Render(run.Events.LastStatus));
        });
    }

    private async Task HandleKeysAsync()
    {
        while (Console.KeyAvailable)
        {
            var key = Console.ReadKey(intercept: true).KeyChar;
            object? command = char.ToLowerInvariant(key) switch
            {
                'p' => run.Events.LastStatus?.State == RunState.Paused ? new Resume() : new Pause(),
                's' => new SaveNow(),
                'q' => new Stop("q pressed"),
                _ => null,
            };
            if (command is null) continue;
            var result = await run.Control.SendAsync(command, CancellationToken.None);
            _message = result.Ok ? $"{command.GetType().Name.ToLowerInvariant()}: done" : $"{command.GetType().Name.ToLowerInvariant()}: {result.Error}";
        }
    }

    private Table Render(TrainingStatus? s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"ActorTrainer · {Markup.Escape(run.Config.Env)} · {Markup.Escape(run.Directory.RunId)}");
        table.AddColumn("").AddColumn("");
        if (s is null)
        {
            table.AddRow("state", "starting");
            return table;
        }
        string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var state = s.State switch
        {
            RunState.Running => "[green]running[/]",
            RunState.Paused => "[yellow]paused[/]",
            _ => Markup.Escape(s.State.ToString().ToLowerInvariant()),
        };
        table.AddRow("state", state + (s.Solved ? " [green](solved)[/]" : "") + (s.WaitingFor is { } w ? $" ({Markup.Escape(w)})" : ""));
        table.AddRow("elapsed", $"{s.ElapsedSeconds:F1} s");
        table.AddRow("env steps", $"{F(s.EnvSteps)}  ({F(s.EnvStepsPerSecond)}/s)");
        table.AddRow("updates", $"{F(s.Updates)}  ({F(s.UpdatesPerSecond)}/s)");
        table.AddRow("episodes", F(s.Episodes));
        // On a learner node runners come and go with their nodes: how many are up, and where.
        table.AddRow("runners", $"{s.RunnersUp} up on {s.Runners.Where(r => r.Up).Select(r => r.Node).Distinct().Count()} node(s)");
        table.AddRow("mean return (last 100)", TrainCommand.Format(s.RecentMeanReturn));
        table.AddRow("eval / best", $"{TrainCommand.Format(s.LastEvalReturn)} / {TrainCommand.Format(s.BestEvalReturn)}");
        table.AddRow("weights version", s.WeightsVersion.ToString(CultureInfo.InvariantCulture));
        table.AddRow("staleness (mean)", s.Runners.Count == 0 ? "-" : s.Runners.Average(r => r.Staleness).ToString("F1", CultureInfo.InvariantCulture));
        table.AddRow("replay", $"{F(s.ReplaySize)} / {F(s.ReplayCapacity)}");
        table.AddRow("loss", s.Loss is { } l ? l.ToString("G4", CultureInfo.InvariantCulture) : "-");
        if (s.Error is not null) table.AddRow("[red]error[/]", Markup.Escape(s.Error));
        table.Caption(Markup.Escape(_message));
        return table;
    }
}
