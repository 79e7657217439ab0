using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// An EpisodeRunner on a runner node as seen from the learner node's Controller. <see cref="WatchFrames"/> told to it is
/// posted as a <see cref="WatchRemoteRunner"/> on the control fanout, addressed to the runner's node (and that node's
/// incarnation, so a restarted node with the same id never takes the command for a runner it no longer has); the node
/// hands the runner the same <see cref="WatchFrames"/>. Weights and Pause/Resume/Stop reach remote runners as broadcasts,
/// not through this ref.
/// </summary>
public sealed class RemoteRunnerRef : IActorRef
{
    private readonly string _nodeIncarnation;
    private readonly string _learnerIncarnation;
    private readonly OrderedPublisher _control;
    private readonly ILogger _log;

    public RemoteRunnerRef(int runnerId, string nodeId, string nodeIncarnation, string learnerIncarnation, OrderedPublisher control, ILogger log)
    {
        RunnerId = runnerId;
        NodeId = nodeId;
        _nodeIncarnation = nodeIncarnation;
        _learnerIncarnation = learnerIncarnation;
        _control = control;
        _log = log;
        Path = ActorPath.Root.Child("remote").Child(nodeId).Child($"runner-{runnerId}");
    }

    public int RunnerId { get; }
    public string NodeId { get; }
    public ActorPath Path { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is WatchFrames w)
        {
            _control.Post(new WatchRemoteRunner(NodeId, _nodeIncarnation, _learnerIncarnation, RunnerId, w.On, w.Fps));
            return;
        }
        _log.Warning("Remote runner {Runner} on {Node} got {Type}; only visual mode is sent to one remote runner", RunnerId, NodeId, message.GetType().Name);
    }

    public override string ToString() => $"RemoteRunner[{RunnerId}@{NodeId}]";
}
