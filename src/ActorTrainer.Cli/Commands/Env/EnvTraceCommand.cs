using System.Globalization;
using System.Text;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Env;

/// <summary>
/// `actortrainer env trace --env ID [--state v1,...] --actions a1,... [--seed N] [--json]`: sets the internal state
/// in Gymnasium's variables (after a reset with the seed, default 0), applies the actions with the step counter at 0
/// and prints one line per step, stopping after the first terminated or truncated step. Observations are float32
/// printed in their shortest round-trip form.
/// </summary>
public static class EnvTraceCommand
{
    public static CliCommand Create()
    {
        var env = CliOptions.Text("--env", "an environment id; see `actortrainer env list`", "ID", required: true);
        var state = CliOptions.Doubles("--state", "the internal state in Gymnasium's variables (see `env list`), set after the reset");
        var actions = CliOptions.Ints("--actions", "the actions to apply, in order", required: true);
        var seed = CliOptions.Int("--seed", "seed of the reset before the state is set", 0);
        var json = CliOptions.Flag("--json", "one JSON object per step");
        var command = new CliCommand("trace", "apply actions from a given state and print each step (compare dynamics with Gymnasium)",
            "actortrainer env trace --env CartPole-v1 --state 0,0,0.05,0 --actions 1,1,0",
            "actortrainer env trace --env Acrobot-v1 --actions 0,2,2 --seed 3 --json")
        {
            env, state, actions, seed, json,
        };
        command.SetRun(ctx => Run(ctx.Get(env)!, ctx.Given(state) ? ctx.Get(state) : null, ctx.Get(actions)!, ctx.Get(seed), ctx.Get(json), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static Task<int> Run(string id, double[]? state, int[] actions, int seed, bool json, TextWriter stdout, CancellationToken cancellationToken)
    {

        var registry = EnvironmentRegistry.Default;
        EnvironmentSpec spec;
        try
        {
            spec = registry.GetSpec(id);
        }
        catch (UnknownEnvironmentException ex)
        {
            throw new UsageException(ex.Message);
        }

        var n = spec.ActionSpace.N;
        for (var i = 0; i < actions.Length; i++)
        {
            if ((uint)actions[i] >= (uint)n)
                throw new UsageException($"--actions: item {i + 1} is {actions[i]}, out of range for {id}; allowed actions are 0..{n - 1}");
        }

        var env = registry.Make(id);
        var obs = new float[env.ObservationSpace.Size];
        env.Reset(seed, obs);
        if (state is not null)
        {
            if (env.Unwrapped() is not ITraceableEnvironment traceable)
            {
                var settable = registry.Specs.Where(s => s.StateVariables.Count > 0).Select(s => s.Id);
                throw new UsageException($"{id} has no settable state; --state works for: {string.Join(", ", settable)}");
            }
            if (state.Length != traceable.StateVariables.Count)
                throw new UsageException(
                    $"--state for {id} needs {traceable.StateVariables.Count} values ({string.Join(", ", traceable.StateVariables)}), got {state.Length}");
            traceable.SetState(state);
        }

        for (var i = 0; i < actions.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StepResult r;
            try
            {
                r = env.Step(actions[i], obs);
            }
            catch (ArgumentException ex)
            {
                // e.g. a Tetris placement that the action mask forbids at this point of the episode
                throw new UsageException($"--actions: item {i + 1} ({actions[i]}) at step {i}: {ex.Message}");
            }
            stdout.WriteLine(json ? JsonLine(i, obs, r) : TextLine(i, obs, r));
            if (r.Terminated || r.Truncated) break;
        }
        return Task.FromResult(CliHost.ExitOk);
    }

    internal static string JsonLine(int step, ReadOnlySpan<float> obs, StepResult r)
    {
        var sb = new StringBuilder(64 + obs.Length * 12);
        sb.Append("{\"step\": ").Append(step.ToString(CultureInfo.InvariantCulture)).Append(", \"observation\": [");
        for (var k = 0; k < obs.Length; k++)
        {
            if (k > 0) sb.Append(", ");
            sb.Append(obs[k].ToString("R", CultureInfo.InvariantCulture));
        }
        sb.Append("], \"reward\": ").Append(r.Reward.ToString("R", CultureInfo.InvariantCulture))
            .Append(", \"terminated\": ").Append(r.Terminated ? "true" : "false")
            .Append(", \"truncated\": ").Append(r.Truncated ? "true" : "false").Append('}');
        return sb.ToString();
    }

    private static string TextLine(int step, ReadOnlySpan<float> obs, StepResult r)
    {
        var values = new string[obs.Length];
        for (var k = 0; k < obs.Length; k++) values[k] = obs[k].ToString("R", CultureInfo.InvariantCulture);
        var flags = (r.Terminated ? " terminated" : "") + (r.Truncated ? " truncated" : "");
        return $"step {step}: obs [{string.Join(", ", values)}] reward {r.Reward.ToString("R", CultureInfo.InvariantCulture)}{flags}";
    }
}
