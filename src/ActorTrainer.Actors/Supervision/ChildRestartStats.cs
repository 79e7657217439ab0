namespace ActorTrainer.Actors;

/// <summary>Restart bookkeeping a parent keeps per child.</summary>
internal sealed class ChildRestartStats
{
    public int Count;
    public long WindowStart;
}
