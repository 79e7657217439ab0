namespace ActorTrainer.Cluster.Nodes;

// Messages between a node's transport handlers and its actors.

/// <summary>A decoded cluster message and the node that sent it (the frame header's sender).</summary>
public sealed record FromNode(string NodeId, object Message);
