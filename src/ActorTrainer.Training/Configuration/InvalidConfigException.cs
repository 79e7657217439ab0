namespace ActorTrainer.Training.Configuration;

/// <summary>A configuration with one or more problems; the message lists all of them, one per line.</summary>
public sealed class InvalidConfigException(IReadOnlyList<string> problems)
    : Exception("invalid training configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
