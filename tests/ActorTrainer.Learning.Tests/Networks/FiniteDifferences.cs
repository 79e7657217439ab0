namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>Central finite differences of a double-precision loss: the oracle every gradient test compares with.</summary>
internal static class FiniteDifferences
{
    private const double Step = 1e-5;

    /// <summary>
    /// Asserts |numeric − analytic| ≤ <paramref name="relTol"/>·(<paramref name="floor"/> + |numeric|) for every index
    /// (<paramref name="theta"/> is restored) and returns how many of those analytic entries are non-zero, so a caller
    /// can rule out a check that passed on a dead network.
    /// </summary>
    public static int AssertMatches(double[] theta, ReadOnlySpan<float> analytic, Func<double[], double> loss, IEnumerable<int> indices,
        double relTol, double floor, Func<int, string>? name = null)
    {
        var nonZero = 0;
        foreach (var i in indices)
        {
            var orig = theta[i];
            theta[i] = orig + Step;
            var up = loss(theta);
            theta[i] = orig - Step;
            var down = loss(theta);
            theta[i] = orig;
            var numeric = (up - down) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= relTol * (floor + Math.Abs(numeric)),
                $"parameter {name?.Invoke(i) ?? i.ToString()}: analytic {analytic[i]}, numeric {numeric}");
            if (analytic[i] != 0) nonZero++;
        }
        return nonZero;
    }
}
