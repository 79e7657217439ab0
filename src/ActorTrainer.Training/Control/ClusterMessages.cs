using Akka.Actor;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Control;

// The Controller's hooks for cluster mode: a bridge actor on the learner node relays between the broker and the run.

/// <summary>
/// Makes <paramref name="Bridge"/> a receiver of everything the Controller broadcasts to runners (WeightsUpdated, Pause,
/// Resume, Stop). Answered with <see cref="ClusterAttached"/>.
/// </summary>
public sealed record AttachCluster(IActorRef Bridge);

/// <summary>Where remote experience goes, how many runners are local (remote runner ids start there), and the run's current weights and state.</summary>
public sealed record ClusterAttached(IActorRef Replay, int LocalRunners, WeightsSnapshot? Weights, RunState State);

/// <summary>The bridge's view of the cluster, sent once a second: shown in <see cref="TrainingStatus"/>; remote steps count toward the run's env steps.</summary>
/// <param name="RemoteEnvSteps">Env steps of every remote runner ever seen in this process (monotonic, so rates and limits stay right when a node dies).</param>
/// <param name="RunnerRefs">Where to send a remote runner's commands (visual mode), by runner id: a Tell there reaches the runner on its node.</param>
public sealed record ClusterView(IReadOnlyList<MemberStatus> Members, IReadOnlyList<RunnerStatus> Runners, long RemoteEnvSteps,
    IReadOnlyDictionary<int, IActorRef> RunnerRefs);
