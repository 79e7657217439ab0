using ActorTrainer.Cluster.Membership;
using ActorTrainer.Training.Runners;
using Akka.Actor;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>Stands in for the learner's Controller at /user/controller: answers registrations and acknowledges experience.</summary>
internal sealed class WelcomingController : ReceiveActor
{
    public WelcomingController()
    {
        Receive<RegisterRunnerNode>(r => Sender.Tell(new RunnerNodeWelcome(0, r.Runners, 8, true, """{"env":"CartPole-v1"}""")));
        Receive<ExperienceBatch>(b => Sender.Tell(new ExperienceAck(b.Count)));
    }
}
