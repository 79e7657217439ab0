using Akka.Actor;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>
/// A stand-in child that forwards everything to a probe, keeping the original sender: for a part that makes its
/// child from Props (the judge's evaluator), so the probe sees what the child would and can answer for it.
/// </summary>
internal sealed class Forwarder : ReceiveActor
{
    public Forwarder(IActorRef target) => ReceiveAny(m => target.Forward(m));
}
