using ActorTrainer.Cli.Parsing;
using ActorTrainer.Learning.Safetensors;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>Shared by the model commands: read the FILE argument and load it, turning format problems into one-line errors.</summary>
internal static class ModelLoading
{
    public static string RequireFile(ArgReader args, string usage)
    {
        var file = args.NextPositional();
        if (file is null || file.StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"missing FILE; usage: {usage}");
        return file;
    }

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
