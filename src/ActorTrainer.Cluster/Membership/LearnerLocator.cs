using ActorTrainer.Cluster.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorTrainer.Cluster.Membership;

/// <summary>
/// Finds the learner's actors for a runner node: watches cluster membership for the oldest Up member with the learner
/// role, resolves <c>/user/controller</c> (or another path) there by ActorSelection, and tells the subscriber
/// <see cref="LearnerFound"/> / <see cref="LearnerLost"/>. A path that does not resolve yet (the learner is still
/// starting its actors) is retried every <see cref="RetryInterval"/>. Chosen over a cluster singleton proxy because there
/// is exactly one learner by construction and the runner needs to know when it changes (to re-register).
/// </summary>
public sealed class LearnerLocator : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    public const string DefaultPath = "/user/controller";

    private readonly IActorRef _subscriber;
    private readonly string _path;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);

    // Up members with the learner role, oldest first.
    private readonly SortedSet<Member> _learners = new(Comparer<Member>.Create((a, b) => a.IsOlderThan(b) ? -1 : b.IsOlderThan(a) ? 1 : a.CompareTo(b)));
    private Address? _resolving;
    private (IActorRef Actor, Address Node)? _found;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef subscriber, string path = DefaultPath) => Akka.Actor.Props.Create(() => new LearnerLocator(subscriber, path));

    public LearnerLocator(IActorRef subscriber, string path)
    {
        _subscriber = subscriber;
        _path = path.StartsWith('/') ? path : "/" + path;

        Receive<ClusterEvent.MemberUp>(m => { if (m.Member.HasRole(ClusterRoles.Learner)) { _learners.Add(m.Member); Reconsider(); } });
        Receive<ClusterEvent.MemberRemoved>(m => Drop(m.Member, "removed from the cluster"));
        Receive<ClusterEvent.MemberExited>(m => Drop(m.Member, "left the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Resolved>(OnResolved);
        Receive<ResolveFailed>(f =>
        {
            if (f.Node != _resolving) return;
            _log.Info("Learner {0} has no {1} yet ({2}); trying again in {3}", f.Node, _path, f.Reason, RetryInterval);
            _resolving = null;
            Timers.StartSingleTimer("retry", Retry.Instance, RetryInterval);
        });
        Receive<Retry>(_ => Reconsider());
        Receive<Terminated>(t =>
        {
            if (_found is { } f && t.ActorRef.Equals(f.Actor)) Lose(f.Node, $"{_path} stopped");
            Reconsider();
        });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Drop(Member member, string why)
    {
        _learners.Remove(member);
        if (_found is { } f && f.Node == member.Address) Lose(f.Node, $"learner {why}");
        if (_resolving == member.Address) _resolving = null;
        Reconsider();
    }

    private void Lose(Address node, string reason)
    {
        if (_found is { } f) Context.Unwatch(f.Actor);
        _found = null;
        _subscriber.Tell(new LearnerLost(node, reason));
    }

    private void Reconsider()
    {
        var oldest = _learners.Count > 0 ? _learners.Min!.Address : null;
        if (_found is { } f)
        {
            if (f.Node == oldest) return;
            Lose(f.Node, oldest is null ? "no learner is up" : $"an older learner {oldest} is up");
        }
        if (oldest is null || _resolving == oldest) return;
        _resolving = oldest;
        var node = oldest;
        Context.ActorSelection(new RootActorPath(node) / _path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            .ResolveOne(TimeSpan.FromSeconds(3))
            .PipeTo(Self, success: a => new Resolved(a, node), failure: e => new ResolveFailed(node, e.Message));
    }

    private void OnResolved(Resolved r)
    {
        if (r.Node != _resolving) return; // a learner that is no longer the oldest
        _resolving = null;
        _found = (r.Actor, r.Node);
        Context.Watch(r.Actor);
        _log.Info("Learner found: {0}", r.Actor.Path);
        _subscriber.Tell(new LearnerFound(r.Actor, r.Node));
    }

    private sealed record Resolved(IActorRef Actor, Address Node);

    private sealed record ResolveFailed(Address Node, string Reason);

    private sealed class Retry
    {
        public static readonly Retry Instance = new();
    }
}
