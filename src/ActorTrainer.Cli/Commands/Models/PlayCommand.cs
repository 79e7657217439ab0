using System.Globalization;
using System.Text;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>`actortrainer play --model DIR [--env ID]`: one greedy episode drawn in the terminal.</summary>
public static class PlayCommand
{
    public static CliCommand Create()
    {
        var o = new SavedModelOptions();
        var seed = CliOptions.Int("--seed", "seed of the episode", 0);
        var fps = CliOptions.Double("--fps", "frames per second drawn in a terminal", 30, 0.01, 1000);
        var command = new CliCommand("play", "show one greedy episode of a saved model in the terminal",
            "actortrainer play --model runs/CartPole-v1-20261203-101500",
            "actortrainer play --model runs/Tetris-v0-20261203-101500/best --fps 10")
        {
            o.Model, o.Env, o.EnvSettings, seed, fps,
        };
        command.SetRun(ctx => Run(ctx.Get(o.Model)!, ctx.Get(o.Env), ctx.Get(o.EnvSettings), ctx.Get(seed), ctx.Get(fps), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static async Task<int> Run(string model, string? env, string? envSettings, int seed, double fps, TextWriter stdout, CancellationToken cancellationToken)
    {
        var (evaluation, envId, _) = SavedModel.Open(model, env, envSettings);
        var environment = evaluation.Environment;
        environment.Reset(seed, evaluation.Observation);
        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        double total = 0;
        var steps = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var action = evaluation.ChooseAction();
            var result = environment.Step(action, evaluation.Observation);
            total += result.Reward;
            steps++;
            if (interactive)
            {
                stdout.Write("\x1b[H\x1b[2J");
                stdout.WriteLine($"{envId}  step {steps}  return {total:F1}  action {action}");
                stdout.WriteLine(Draw(environment.Render()));
                await Task.Delay(TimeSpan.FromSeconds(1 / fps), CancellationToken.None);
            }
            if (result.Done)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"episode over after {steps} steps: return {total:F1} ({(result.Terminated ? "terminated" : "truncated")})"));
                return CliHost.ExitOk;
            }
        }
        return CliHost.ExitCancelled;
    }

    /// <summary>A text drawing: the cell grid for Tetris, named values with a gauge for classic control.</summary>
    internal static string Draw(Frame frame)
    {
        var sb = new StringBuilder();
        if (frame.Kind == FrameKind.Cells)
        {
            for (var y = 0; y < frame.Height; y++)
            {
                sb.Append('|');
                for (var x = 0; x < frame.Width; x++) sb.Append(frame.Cells[y * frame.Width + x] == 0 ? "  " : "[]");
                sb.Append("|\n");
            }
            sb.Append('+').Append('-', frame.Width * 2).Append("+\n");
        }
        for (var i = 0; i < frame.Values.Length; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{frame.Names[i],-12} {frame.Values[i],9:F4}\n");
        return sb.ToString();
    }
}
