namespace ActorTrainer.Training.Control;

// The Controller's protocol. Every command is answered with a CommandResult (or TrainingStatus for GetStatus),
// so a terminal, a web page or a test sees the Controller's own answer, never a guess.

/// <summary>Stop stepping environments and updating weights; state is kept in memory.</summary>
public sealed record Pause;

/// <summary>Continue after <see cref="Pause"/>, from exactly where training stopped.</summary>
public sealed record Resume;

/// <summary>Graceful stop: in-flight work finishes, a final checkpoint is written, the run completes.</summary>
public sealed record Stop(string Reason = "requested");

/// <summary>Write latest/ now (and best/ when the current weights have never been evaluated better).</summary>
public sealed record SaveNow;

/// <summary>Asks for a <see cref="TrainingStatus"/>.</summary>
public sealed record GetStatus;

/// <summary>Turns the frame stream of one runner on or off. At most one runner is watched at a time.</summary>
public sealed record SetVisual(int RunnerId, bool On, double Fps = 30);

/// <summary>Frames per second of the watched runner's frame stream; training speed never changes.</summary>
public sealed record SetSpeed(double Fps);

/// <summary>The Controller's answer to a command.</summary>
/// <param name="Ok">Whether the command was carried out.</param>
/// <param name="State">The run state after the command.</param>
/// <param name="Error">Why not, when <paramref name="Ok"/> is false.</param>
/// <param name="Kind">What kind of failure: a command in the wrong state or bad arguments.</param>
/// <param name="Field">For bad arguments: which one (e.g. "runner", "fps"), so an API can name the field.</param>
public sealed record CommandResult(bool Ok, RunState State, string? Error = null, CommandErrorKind Kind = CommandErrorKind.None, string? Field = null)
{
    public static CommandResult Done(RunState state) => new(true, state);
    public static CommandResult WrongState(RunState state, string error) => new(false, state, error, CommandErrorKind.WrongState);
    public static CommandResult Invalid(RunState state, string error, string? field = null) => new(false, state, error, CommandErrorKind.InvalidArgument, field);
}

public enum CommandErrorKind
{
    None,
    WrongState,
    InvalidArgument,
}

public enum RunState
{
    Starting,
    Running,
    Paused,
    Stopping,
    Stopped,
}
