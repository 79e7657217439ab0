using System.Globalization;
using System.Text;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>`actortrainer play --model DIR [--env ID]`: one greedy episode drawn in the terminal.</summary>
public sealed class PlayCommand : ICommand
{
    public string Name => "play";
    public string Usage => "usage: actortrainer play --model DIR|FILE [--env ID] [--env-settings K=V,...] [--seed S] [--fps F (30)]";

    public string Summary => "show one greedy episode of a saved model in the terminal";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public async Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var model = args.RequiredString("--model", "a model file, a best/ or latest/ folder, or a run folder");
        var env = args.String("--env");
        var envSettings = args.String("--env-settings");
        var seed = args.Int("--seed") ?? 0;
        var fps = args.Double("--fps") ?? 30;
        if (!(fps > 0 && fps <= 1000)) throw new UsageException($"--fps must be in (0, 1000], got {fps}");
        args.EnsureAllUsed();

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
