using ActorTrainer.Training.Exploration;

namespace ActorTrainer.Training.Tests.Exploration;

public sealed class ApexEpsilonTests
{
    [Fact]
    public void Matches_the_ApeX_formula_at_both_ends_and_decreases_between()
    {
        Assert.Equal(0.4, ApexEpsilon.For(0, 8, 0.4, 7), 12);
        Assert.Equal(Math.Pow(0.4, 8), ApexEpsilon.For(7, 8, 0.4, 7), 12);
        for (var i = 1; i < 8; i++)
            Assert.True(ApexEpsilon.For(i, 8, 0.4, 7) < ApexEpsilon.For(i - 1, 8, 0.4, 7));
    }

    [Fact]
    public void A_single_slot_uses_the_base_and_a_bad_slot_is_rejected()
    {
        Assert.Equal(0.4, ApexEpsilon.For(0, 1, 0.4, 7));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ApexEpsilon.For(8, 8, 0.4, 7));
        Assert.Contains("[0, 7]", ex.Message);
    }
}
