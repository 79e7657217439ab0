namespace ActorTrainer.Actors;

/// <summary>Handle to a scheduled send.</summary>
public interface ICancelable
{
    void Cancel();

    bool IsCancellationRequested { get; }
}
