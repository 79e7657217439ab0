namespace ActorTrainer.Training.Exploration;

/// <summary>
/// Ape-X's fixed per-actor exploration: eps_i = base^(1 + alpha * i / (N - 1)), i = 0..N-1
/// (Horgan et al. 2018, base 0.4, alpha 7). We apply it per environment slot across all runners rather
/// than per runner, so a single runner with a vector of environments still explores at many rates.
/// </summary>
public static class ApexEpsilon
{
    public static double For(int slot, int slots, double baseEpsilon, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        if ((uint)slot >= (uint)slots) throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be in [0, {slots - 1}]");
        if (slots == 1) return baseEpsilon;
        return Math.Pow(baseEpsilon, 1.0 + alpha * slot / (slots - 1));
    }
}
