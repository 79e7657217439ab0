namespace ActorTrainer.Training.Runners;

/// <summary>Where a <see cref="RunnerLoop"/> delivers what a step produced: the EpisodeRunner actor, or a benchmark's bare loop.</summary>
public interface IRunnerLoopSink
{
    void OnEpisodeFinished(EpisodeFinished episode);

    /// <summary>A full batch; the receiver owns it (and releases it once consumed).</summary>
    void OnBatch(ExperienceBatch batch);
}
