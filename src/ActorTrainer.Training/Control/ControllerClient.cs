using Akka.Actor;

namespace ActorTrainer.Training.Control;

/// <summary><see cref="ITrainingControl"/> over the Controller actor: commands are Asks, watching goes through <see cref="TrainingEvents"/>.</summary>
public sealed class ControllerClient(IActorRef controller, TrainingEvents events) : ITrainingControl
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public Task<TrainingStatus> GetStatusAsync(CancellationToken ct) =>
        controller.Ask<TrainingStatus>(new GetStatus(), CommandTimeout, ct);

    public Task<CommandResult> SendAsync(object command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is not (Pause or Resume or Stop or SaveNow or SetVisual or SetSpeed))
            throw new ArgumentException($"{command.GetType().Name} is not a control command; send Pause, Resume, Stop, SaveNow, SetVisual or SetSpeed", nameof(command));
        return controller.Ask<CommandResult>(command, CommandTimeout, ct);
    }

    public IReadOnlyList<MetricsSample> RecentMetrics(int max) => events.Recent(max);

    public IDisposable SubscribeMetrics(Action<MetricsSample> onSample) => events.SubscribeMetrics(onSample);

    public IDisposable SubscribeFrames(Action<VisualFrame> onFrame) => events.SubscribeFrames(onFrame);
}
