using System.CommandLine;
using ActorTrainer.Learning.Safetensors;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>Shared by the model commands: the FILE argument and load it, turning format problems into one-line errors.</summary>
internal static class ModelLoading
{
    public static Argument<string> FileArgument() => new("FILE") { Description = "a model .safetensors file (e.g. runs/<id>/best/model.safetensors)" };

    /// <summary>Loads the model or writes "error: ..." and returns null (a run-time failure, exit code 1).</summary>
    public static LoadedModel? TryLoad(string file, TextWriter stderr)
    {
        try
        {
            return ModelFile.Load(file);
        }
        catch (Exception ex) when (ex is SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return null;
        }
    }
}
