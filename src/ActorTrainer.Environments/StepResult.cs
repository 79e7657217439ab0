namespace ActorTrainer.Environments;

/// <summary>
/// What one step produced besides the observation. <see cref="LinesCleared"/> is the Tetris info field
/// (0 for other environments). Terminated and truncated can both be true, as in Gymnasium when the task ends
/// on the time limit's last step.
/// </summary>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated, int LinesCleared = 0)
{
    /// <summary>The episode is over either way; the next call should be a reset.</summary>
    public bool Done => Terminated || Truncated;
}
