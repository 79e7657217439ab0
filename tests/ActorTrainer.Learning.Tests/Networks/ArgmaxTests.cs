using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Tests.Networks;

public sealed class ArgmaxTests
{
    [Fact]
    public void Masked_argmax_picks_the_best_allowed_action()
    {
        float[] q = [5f, 1f, 3f, 4f];
        Assert.Equal(0, QNetwork.ArgmaxOf(q));
        Assert.Equal(3, QNetwork.ArgmaxOf(q, [false, true, true, true]));
        Assert.Equal(1, QNetwork.ArgmaxOf(q, [false, true, false, false]));
    }

    [Fact]
    public void An_empty_mask_allows_everything_and_a_mask_allowing_nothing_gives_action_0()
    {
        float[] q = [1f, 9f];
        Assert.Equal(1, QNetwork.ArgmaxOf(q, ReadOnlySpan<bool>.Empty));
        Assert.Equal(0, QNetwork.ArgmaxOf(q, [false, false]));
    }
}
