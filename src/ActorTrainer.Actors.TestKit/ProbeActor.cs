using System.Collections.Concurrent;

namespace ActorTrainer.Actors.TestKit;

/// <summary>The actor behind a probe: hands every message to the test thread; obeys watch requests.</summary>
internal sealed class ProbeActor(BlockingCollection<ReceivedMessage> inbox) : ActorBase
{
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WatchRequest w:
                Context.Watch(w.Subject);
                w.Done.TrySetResult();
                break;
            case UnwatchRequest u:
                Context.Unwatch(u.Subject);
                u.Done.TrySetResult();
                break;
            default:
                inbox.Add(new ReceivedMessage(message, Context.Sender is var s && ReferenceEquals(s, Context.System.DeadLetters) ? null : s));
                break;
        }
    }

    internal sealed record WatchRequest(IActorRef Subject, TaskCompletionSource Done);

    internal sealed record UnwatchRequest(IActorRef Subject, TaskCompletionSource Done);
}
