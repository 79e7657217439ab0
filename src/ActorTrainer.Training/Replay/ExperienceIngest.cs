using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Training.Replay;

/// <summary>Stores an <see cref="ExperienceBatch"/> in a <see cref="StreamReplay"/>: its observations once, then its transitions by position.</summary>
public static class ExperienceIngest
{
    /// <summary>
    /// Copies the batch's observations into the replay (the second and last copy of each after the environment wrote it),
    /// adds its transitions, and releases the batch's arrays back to the runner. Returns how many transitions were stored;
    /// the rest named observations the replay no longer holds. The batch must have passed <see cref="ExperienceBatch.Validate"/>.
    /// </summary>
    public static int Store(StreamReplay replay, ExperienceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(batch);
        var o = batch.ObservationSize;
        replay.AddObservations(batch.RunnerId, batch.FirstObservation, batch.Observations.AsSpan(0, batch.ObservationCount * o));
        var stored = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (replay.AddTransition(batch.RunnerId, batch.From[i], batch.To[i], batch.Actions[i], batch.Returns[i], batch.Discounts[i], batch.Priorities[i]))
                stored++;
        }
        batch.Release();
        return stored;
    }
}
