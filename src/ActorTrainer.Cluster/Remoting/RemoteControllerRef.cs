using ActorTrainer.Actors;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// The Controller as seen from a runner on a runner node. Episode results, runner stats and stop reports are
/// published as telemetry to the learner node; <see cref="RunnerStarted"/> goes to the node's local agent, which
/// answers with the newest weights and run state exactly as the Controller would. Frames of the watched runner go,
/// newest only, to the learner node's frames queue.
/// </summary>
public sealed class RemoteControllerRef(OrderedPublisher telemetry, EpisodeBatcher episodes, LatestOnlyPublisher<FrameRendered> frames, IActorRef agent) : IActorRef
{
    public ActorPath Path { get; } = ActorPath.Root.Child("remote").Child("controller");

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case EpisodeFinished e:
                episodes.Post(e);
                break;
            case RunnerStats:
                telemetry.Post(message);
                break;
            case RunnerStopped:
                telemetry.Post(message);
                agent.Tell(message, sender);
                break;
            case FrameRendered f:
                frames.Offer(f);
                break;
            default:
                agent.Tell(message, sender);
                break;
        }
    }

    public override string ToString() => "RemoteController";
}
