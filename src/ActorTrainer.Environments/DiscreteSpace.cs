namespace ActorTrainer.Environments;

/// <summary>Gymnasium's <c>Discrete(n)</c>: actions 0 .. n-1.</summary>
public sealed class DiscreteSpace
{
    public DiscreteSpace(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "a discrete space needs at least one action");
        N = n;
    }

    public int N { get; }

    public bool Contains(int action) => (uint)action < (uint)N;

    public override string ToString() => $"Discrete({N})";
}
