using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using Akka.Actor;

namespace ActorTrainer.Training.Pool;

// RunnerPool protocol. Runners themselves speak the EpisodeRunner protocol (RunnerStarted, RunnerStats, EpisodeFinished,
// FrameRendered, RunnerStopped) with the pool as their "controller"; local, remote and external runners are one kind.

/// <summary>
/// A host of runners outside the pool's own children (a runner node, the external-episodes endpoint) asks for runner
/// ids. Answered with <see cref="PoolJoined"/>. The host then starts its runners with those ids; each says
/// <c>RunnerStarted</c> to the pool like a local runner, and the pool watches it (a dead node's runners go down).
/// </summary>
/// <param name="Node">How status shows the host, e.g. "runner-1@10.0.0.5:4053" or "external".</param>
/// <param name="Runners">Runners it will start (at least 1).</param>
/// <param name="OnLadder">Whether its runners take places on the Ape-X epsilon ladder (runner nodes do; the external
/// episodes endpoint, which picks an epsilon per episode from the whole ladder, does not).</param>
public sealed record JoinPool(string Node, int Runners, bool OnLadder = true);

/// <summary>
/// Runner ids <paramref name="FirstRunnerId"/>..+<paramref name="RunnerCount"/>−1 are the host's; runners send
/// experience to <paramref name="Replay"/>. <paramref name="LadderSize"/> is the number of env slots of the Ape-X
/// epsilon ladder right after this join; each runner learns its own place with a <c>LadderPlace</c> once it started,
/// and again whenever a join or leave changes the ladder. <paramref name="Config"/> is the run's configuration, so
/// a host needs no training flags of its own. Weights follow as <c>WeightsUpdated</c> to the host, as <see cref="WeightsChunk"/>s to a host in another process (one version at a time:
/// the next only after <see cref="WeightsReceived"/>, so a slow link never queues stale weights).
/// </summary>
public sealed record PoolJoined(int FirstRunnerId, int RunnerCount, int LadderSize, IActorRef Replay, TrainingConfig Config, RunState State);

/// <summary>
/// One piece of weights version <paramref name="Version"/> on its way to a host in another process: the version's
/// safetensors bytes (<paramref name="TotalBytes"/> long) cut into <paramref name="Count"/> pieces of
/// <see cref="WeightsChunks.ChunkBytes"/> (the last one shorter). The host answers the whole version with one
/// <see cref="WeightsReceived"/>. See <see cref="WeightsChunks"/> for why weights do not cross nodes in one message.
/// </summary>
public sealed record WeightsChunk(long Version, int Index, int Count, int TotalBytes, ReadOnlyMemory<byte> Data);

/// <summary>A joined host took weights <paramref name="Version"/>; the pool may send the next (latest-only flow control).</summary>
public sealed record WeightsReceived(long Version);

/// <summary>Every runner (local and joined) finished; sent to the Controller once after Stop.</summary>
public sealed record AllRunnersStopped(long EnvSteps);

/// <summary>The pool gave up on a runner (crash loop beyond its budget, supervisor gone): the run should end with this error.</summary>
public sealed record RunnerPoolFailed(string Error);

/// <summary>The pool's counters for status and limits, sent to the Controller on every change of consequence (at most a few per second).</summary>
/// <param name="EnvSteps">Env steps of every runner ever seen in this process, monotonic across restarts and lost nodes.</param>
public sealed record PoolReport(long EnvSteps, IReadOnlyList<RunnerStatus> Runners, IReadOnlyList<MemberStatus> Members, int? WatchedRunner, double FrameFps);
