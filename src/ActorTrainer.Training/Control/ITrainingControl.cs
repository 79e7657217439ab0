namespace ActorTrainer.Training.Control;

/// <summary>
/// What the dashboard (and any other remote control surface) needs from a running training. The real
/// implementation sits over the Controller actor; the dashboard never reaches into actors directly, so it
/// works the same in local and cluster mode.
/// </summary>
/// <remarks>
/// Callbacks given to <see cref="SubscribeMetrics"/> and <see cref="SubscribeFrames"/> run on the training's
/// own threads and must return at once: they may only hand the object over (swap a reference, enqueue), never
/// wait for a client. Training speed must not depend on who is watching.
/// </remarks>
public interface ITrainingControl
{
    /// <summary>The Controller's current <see cref="TrainingStatus"/>.</summary>
    Task<TrainingStatus> GetStatusAsync(CancellationToken ct);

    /// <summary>
    /// Sends one command (<see cref="Pause"/>, <see cref="Resume"/>, <see cref="Stop"/>, <see cref="SaveNow"/>,
    /// <see cref="SetVisual"/> or <see cref="SetSpeed"/>) and returns the Controller's answer.
    /// </summary>
    Task<CommandResult> SendAsync(object command, CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> most recent samples, oldest first (chart backfill after a reconnect).</summary>
    IReadOnlyList<MetricsSample> RecentMetrics(int max);

    /// <summary>Live samples: once a second (Kind "tick") and once per evaluation (Kind "eval"). Dispose to stop.</summary>
    IDisposable SubscribeMetrics(Action<MetricsSample> onSample);

    /// <summary>Frames of the watched runner while visual mode is on. Dispose to stop.</summary>
    IDisposable SubscribeFrames(Action<VisualFrame> onFrame);
}
