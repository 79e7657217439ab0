using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using Akka.Actor;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>Stands in for the learner's Controller at /user/controller: answers pool joins (itself as the replay) and acknowledges experience.</summary>
internal sealed class WelcomingController : ReceiveActor
{
    public static readonly TrainingConfig Config = new() { Env = "CartPole-v1", Runners = 2, EnvsPerRunner = 4 };

    public WelcomingController()
    {
        Receive<JoinPool>(j => Sender.Tell(new PoolJoined(0, j.Runners, j.Runners * 4, Self, Config, RunState.Running)));
        Receive<ExperienceBatch>(b => Sender.Tell(new ExperienceAck(b.Count)));
    }
}
