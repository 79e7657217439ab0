using ActorTrainer.Cli;

namespace ActorTrainer.Cli.Tests.Train;

/// <summary>`train --external`: its shape and its keys are checked before anything starts.</summary>
public sealed class TrainExternalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actortrainer-train-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Err)> Run(params string[] args)
    {
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, new StringWriter(), stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public async Task External_without_a_shape_names_observation_size_and_actions()
    {
        var (code, err) = await Run("train", "--external", "--run-dir", _dir, "--port", "1");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("observation-size and actions", err);
        Assert.Contains("--observation-size 4 --actions 2", err);
        Assert.Empty(Directory.GetDirectories(_dir));
    }

    [Fact]
    public async Task Bad_external_keys_are_listed_with_what_is_allowed()
    {
        var (code, err) = await Run("train", "--external", "--observation-size", "4", "--actions", "2", "--run-dir", _dir, "--port", "1",
            "--gate-disagreement", "ignore", "--max-reward-delay", "-1", "--max-external-episodes", "0", "--min-updates-per-second", "20000");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("gate-disagreement must be one of skip, penalty, got 'ignore'", err);
        Assert.Contains("max-reward-delay must be >= 0, got -1", err);
        Assert.Contains("max-external-episodes must be between 1 and", err);
        Assert.Contains("min-updates-per-second must be between 0 and 10000", err);
    }
}
