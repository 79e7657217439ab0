namespace ActorTrainer.Actors;

/// <summary>
/// Timers owned by one actor. Starting a timer with a key in use replaces it; a cancelled timer's message is
/// not delivered even if it already fired; all timers die with (or restart of) the actor.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}
