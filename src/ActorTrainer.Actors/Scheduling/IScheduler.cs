namespace ActorTrainer.Actors;

/// <summary>Sends messages later. Inside actors prefer <see cref="ITimerScheduler"/>, whose timers die with the actor.</summary>
public interface IScheduler
{
    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender);

    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender);
}
