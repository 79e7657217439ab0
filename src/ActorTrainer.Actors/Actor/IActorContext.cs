using Microsoft.Extensions.Logging;

namespace ActorTrainer.Actors;

/// <summary>What an actor may do while processing a message. Only valid on the actor's own turn.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>The sender of the current message, or dead letters when there was none.</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    IEnumerable<IActorRef> Children { get; }

    IActorRef? Child(string name);

    ActorSystem System { get; }

    /// <summary>Logger whose category is the actor's type.</summary>
    ILogger Log { get; }

    /// <summary>Creates a child. A null name gets a generated one; a taken name is an <see cref="ArgumentException"/>.</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child (or Self) asynchronously, children first; the current message still completes.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="subject"/> stops, also if it already has.</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>After this, no Terminated for <paramref name="subject"/> is delivered, even one already on its way.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behavior.</summary>
    void Become(Receive receive);

    /// <summary>Pushes a behavior; <see cref="Unbecome"/> pops it.</summary>
    void BecomeStacked(Receive receive);

    void Unbecome();

    /// <summary>Sends with the current message's original sender, so the target replies to them directly.</summary>
    void Forward(IActorRef target, object message);
}
