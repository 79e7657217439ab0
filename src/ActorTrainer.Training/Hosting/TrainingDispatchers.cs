namespace ActorTrainer.Training.Hosting;

/// <summary>Dispatcher ids the training actors run on; defined in <see cref="TrainingHocon"/>.</summary>
public static class TrainingDispatchers
{
    /// <summary>
    /// One dedicated thread per actor (Akka's PinnedDispatcher). Runners, the learner and the evaluator step
    /// environments or train for milliseconds per message; on the shared thread pool they would starve each other and
    /// the Controller, and a runner's throughput would depend on what else the pool is doing.
    /// </summary>
    public const string Pinned = "actortrainer.pinned-dispatcher";
}
