using Akka.Actor;

namespace ActorTrainer.Cluster.Membership;

/// <summary>The learner last reported by <see cref="LearnerFound"/> left, was removed or its actor stopped.</summary>
public sealed record LearnerLost(Address Node, string Reason) : INoSerializationVerificationNeeded;
