using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Training.Replay;

/// <summary>
/// One sampled batch plus the priority updates of its previous use, passed back and forth between Learner and
/// ReplayBuffer. Ownership moves with the message: only the actor that last received it may touch it, so no
/// locks are needed and nothing is allocated per update.
/// </summary>
public sealed class SampleBuffers
{
    public SampleBuffers(int capacity, int observationSize)
    {
        Batch = new ReplayBatch(capacity, observationSize);
        Priorities = new float[capacity];
    }

    /// <summary>Filled by the ReplayBuffer (observations, actions, returns, discounts, IS weights, indices).</summary>
    public ReplayBatch Batch { get; }

    /// <summary>New priorities (|TD error|) the learner wrote for the first <see cref="PendingPriorities"/> of Batch.Indices.</summary>
    public float[] Priorities { get; }

    /// <summary>How many priorities the ReplayBuffer must apply before sampling into these buffers again.</summary>
    public int PendingPriorities { get; set; }
}
