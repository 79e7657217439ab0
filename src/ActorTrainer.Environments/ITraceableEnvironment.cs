namespace ActorTrainer.Environments;

/// <summary>
/// An environment whose internal state can be read and set in Gymnasium's own variables, so its dynamics can be
/// compared step by step with Gymnasium's from any state (<c>actortrainer env trace</c>).
/// </summary>
public interface ITraceableEnvironment
{
    /// <summary>Names of the state variables in order, e.g. CartPole's x, x_dot, theta, theta_dot.</summary>
    IReadOnlyList<string> StateVariables { get; }

    void GetState(Span<double> state);

    /// <summary>Replaces the state (as Gymnasium's <c>env.unwrapped.state = ...</c>); the next step starts from it.</summary>
    void SetState(ReadOnlySpan<double> state);

    /// <summary>Writes the observation Gymnasium would return for the current state.</summary>
    void GetObservation(Span<float> observation);
}
