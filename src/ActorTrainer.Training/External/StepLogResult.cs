namespace ActorTrainer.Training.External;

/// <summary>Why an external-episode call was refused; the HTTP layer maps each to its status code.</summary>
public enum ExternalErrorKind
{
    None,

    /// <summary>A value the caller sent is not allowed (400).</summary>
    InvalidArgument,

    /// <summary>No such episode (404).</summary>
    UnknownEpisode,

    /// <summary>The episode or step is in a state that refuses the call: ended, already final (409).</summary>
    Conflict,

    /// <summary>Too many open episodes (429).</summary>
    TooMany,

    /// <summary>The run cannot take the call now: stopping, or no weights yet (503).</summary>
    Unavailable,
}

/// <summary>The outcome of one external-episode call: a value, or an error naming the field and what is allowed.</summary>
public readonly record struct StepLogResult(ExternalErrorKind Kind, string? Error, string? Field, long Value, double Number = 0)
{
    public bool Ok => Kind == ExternalErrorKind.None;

    public static StepLogResult Success(long value = 0, double number = 0) => new(ExternalErrorKind.None, null, null, value, number);

    public static StepLogResult Fail(ExternalErrorKind kind, string field, string error) => new(kind, error, field, 0);
}
