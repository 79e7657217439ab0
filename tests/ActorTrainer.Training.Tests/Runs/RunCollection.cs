namespace ActorTrainer.Training.Tests.Runs;

/// <summary>Whole training runs each use every core; running them one at a time keeps each one's timeline sane.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunCollection
{
    public const string Name = "Training runs";
}
