using System.CommandLine;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>The options `eval` and `play` share to name a saved model and the environment it runs in.</summary>
public sealed class SavedModelOptions
{
    public Option<string> Model { get; } = CliOptions.Text("--model",
        "a .safetensors file, a best/ or latest/ folder, or a run folder (its best/, else latest/)", "DIR|FILE", required: true);

    public Option<string> Env { get; } = CliOptions.Text("--env", "environment id [default: the model's own]", "ID");

    public Option<string> EnvSettings { get; } = CliOptions.Text("--env-settings",
        "environment settings as key=value,... [default: the model's own, on its own environment]", "K=V,...");
}
