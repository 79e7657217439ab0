namespace ActorTrainer.Environments;

/// <summary>Caller-owned arrays for one <see cref="VectorEnvironment"/> step, allocated once and reused.</summary>
public sealed class VectorStepBuffers
{
    public VectorStepBuffers(int count, int observationSize, int actionCount)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1");
        Count = count;
        ObservationSize = observationSize;
        Observations = new float[count * observationSize];
        FinalObservations = new float[count * observationSize];
        Rewards = new float[count];
        Terminated = new bool[count];
        Truncated = new bool[count];
        LinesCleared = new int[count];
        ActionMasks = new bool[count * actionCount];
    }

    public int Count { get; }

    public int ObservationSize { get; }

    /// <summary>The observation each env will act on next (the reset observation for envs that just finished).</summary>
    public float[] Observations { get; }

    /// <summary>The last observation of an episode that finished on this step; valid only where a flag is set.</summary>
    public float[] FinalObservations { get; }

    public float[] Rewards { get; }

    public bool[] Terminated { get; }

    public bool[] Truncated { get; }

    public int[] LinesCleared { get; }

    /// <summary>Filled by <see cref="VectorEnvironment.GetActionMasks"/> when the caller asks.</summary>
    public bool[] ActionMasks { get; }
}
