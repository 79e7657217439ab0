using System.Diagnostics.CodeAnalysis;

namespace ActorTrainer.Environments;

/// <summary>Argument checks whose throwing paths live out of line, so the hot paths stay small and allocation-free.</summary>
internal static class EnvGuard
{
    public static void Observation(Span<float> observation, int size)
    {
        if (observation.Length < size) ThrowObservation(observation.Length, size);
    }

    public static void Action(int action, int n, string id)
    {
        if ((uint)action >= (uint)n) ThrowAction(action, n, id);
    }

    public static void State(ReadOnlySpan<double> state, IReadOnlyList<string> names, string id)
    {
        if (state.Length != names.Count)
            throw new ArgumentException(
                $"{id} has {names.Count} state variables ({string.Join(", ", names)}), got {state.Length} values");
        for (var i = 0; i < state.Length; i++)
        {
            if (!double.IsFinite(state[i]))
                throw new ArgumentException($"{id} state variable {names[i]} must be finite, got {state[i]}");
        }
    }

    [DoesNotReturn]
    private static void ThrowObservation(int length, int size) =>
        throw new ArgumentException($"the observation span holds {length} floats; this environment writes {size}");

    [DoesNotReturn]
    private static void ThrowAction(int action, int n, string id) =>
        throw new ArgumentOutOfRangeException(nameof(action), action, $"{id} actions are 0..{n - 1}, got {action}");
}
