namespace ActorTrainer.Environments;

/// <summary>An environment that decorates another one; <see cref="EnvironmentExtensions.Unwrapped"/> walks through these.</summary>
public interface IEnvironmentWrapper : IEnvironment
{
    IEnvironment Inner { get; }
}
