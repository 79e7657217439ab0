namespace ActorTrainer.Cli.Parsing;

/// <summary>Bad command-line input. The message says what was wrong and what is allowed; exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
