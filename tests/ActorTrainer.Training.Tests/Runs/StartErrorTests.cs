using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Runs;

/// <summary>What a library user sees when <see cref="TrainingRun.Start"/> cannot start.</summary>
public sealed class StartErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_misspelled_env_and_bad_values_are_all_reported_before_anything_is_created()
    {
        var config = Small.CartPole(_dir.Path) with { Env = "CartPol-v1", LearningRate = -1, BatchSize = 0 };
        var ex = Assert.Throws<InvalidConfigException>(() => TrainingRun.Start(config));
        Assert.Contains("did you mean CartPole-v1", ex.Message);
        Assert.Contains("learning-rate must be > 0, got -1", ex.Message);
        Assert.Contains("batch-size", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void A_custom_env_is_only_known_through_the_registry_it_was_registered_in()
    {
        var config = Small.CartPole(_dir.Path) with { Env = "Flaky-v0" };
        var ex = Assert.Throws<InvalidConfigException>(() => TrainingRun.Start(config));
        Assert.Contains("Flaky-v0", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void Resuming_from_a_folder_without_a_complete_latest_checkpoint_says_what_is_missing()
    {
        var notARun = Directory.CreateDirectory(Path.Combine(_dir.Path, "not-a-run")).FullName;
        var ex = Assert.Throws<InvalidDataException>(() => TrainingRun.Start(Small.CartPole(_dir.Path), new TrainingRunOptions { ResumeFrom = notARun }));
        Assert.Contains("latest", ex.Message);

        var missing = Path.Combine(_dir.Path, "nowhere");
        var ex2 = Assert.Throws<DirectoryNotFoundException>(() => TrainingRun.Start(Small.CartPole(_dir.Path), new TrainingRunOptions { ResumeFrom = missing }));
        Assert.Contains("does not exist", ex2.Message);
    }
}
