using Akka.Actor;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>A "replay" that stores nothing and acknowledges every batch at once, so runners are never throttled.</summary>
public sealed class BenchRolloutAckingReplay : ReceiveActor
{
    private long _transitions;

    public BenchRolloutAckingReplay()
    {
        Receive<ExperienceBatch>(b =>
        {
            _transitions += b.Count;
            b.Release(); // as the real replay does once it has stored a batch, so runners reuse their arrays
            Sender.Tell(new ExperienceAck(b.Count), Self);
        });
        Receive<BenchRolloutQuery>(_ => Sender.Tell(new BenchRolloutCount(_transitions), Self));
    }
}
