namespace ActorTrainer.Actors;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,
    /// <summary>Fresh instance from Props; the mailbox is kept, the failing message is not retried.</summary>
    Restart,
    /// <summary>Stop the child permanently.</summary>
    Stop,
    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}
