namespace ActorTrainer.Actors;

/// <summary>Set messages aside until the actor is ready for them.</summary>
public interface IStash
{
    /// <summary>Keeps the current message (with its sender) for later.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message, in original order, in front of the mailbox.</summary>
    void UnstashAll();

    int Count { get; }
}
