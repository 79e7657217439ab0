using Akka.Actor;

namespace ActorTrainer.Cluster.Membership;

/// <summary>
/// <see cref="LearnerLocator"/> resolved the actor at its path (usually /user/controller) on the oldest Up member with
/// the learner role. Local to the subscriber's node.
/// </summary>
public sealed record LearnerFound(IActorRef Actor, Address Node) : INoSerializationVerificationNeeded;
