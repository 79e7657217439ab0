using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>Loads a saved model for `eval` and `play`, turning every problem into a message that says what to pass.</summary>
public static class SavedModel
{
    /// <param name="envSettings">--env-settings; null takes the settings the model was trained with (when it is
    /// evaluated on its own environment).</param>
    public static (GreedyEvaluation Evaluation, string EnvId, string File) Open(string modelPath, string? envId, string? envSettings = null)
    {
        string file;
        LoadedModel model;
        try
        {
            file = CheckpointStore.ResolveModelFile(modelPath);
            model = ModelFile.Load(file);
        }
        catch (FileNotFoundException ex)
        {
            throw new UsageException($"--model: {ex.Message}");
        }
        catch (Exception ex) when (ex is SafetensorsFormatException or InvalidDataException)
        {
            throw new UsageException($"--model: '{modelPath}' is not a valid model: {ex.Message}");
        }

        var env = envId ?? model.Metadata.EnvironmentId
            ?? throw new UsageException($"--env is required: '{file}' does not say which environment it was trained on");
        // A model's observation kind comes with it; on another environment its settings would mean nothing.
        var settingsText = envSettings ?? (env == model.Metadata.EnvironmentId ? model.Metadata.EnvironmentSettings : null);
        EnvironmentOptions options;
        try
        {
            options = TrainingEnvironment.OptionsFrom(settingsText);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--env-settings: {ex.Message}");
        }
        GreedyEvaluation evaluation;
        try
        {
            evaluation = new GreedyEvaluation(EnvironmentRegistry.Default, env, model.Network.Spec, options);
        }
        catch (UnknownEnvironmentException ex)
        {
            throw new UsageException($"--env: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            var with = string.IsNullOrEmpty(settingsText) ? "" : $" with {settingsText}";
            throw new UsageException($"the model does not fit {env}{with}: {ex.Message}");
        }
        evaluation.Network.CopyFrom(model.Network);
        return (evaluation, env, file);
    }
}
