using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Runners;

public sealed class RunnerLoopLadderTests
{
    [Fact]
    public void A_ladder_place_sets_each_env_slots_epsilon_and_a_place_that_does_not_fit_is_refused_naming_the_bounds()
    {
        var config = Small.CartPole(); // 2 runners x 4 envs
        var loop = new RunnerLoop(1, config, Small.Setup(config));
        // Before any place: runner 1's slots 4..7 of the config's ladder of 8.
        Assert.Equal(ApexEpsilon.For(4, 8, config.EpsilonBase, config.EpsilonAlpha), loop.EpsilonOf(0));

        Assert.Null(loop.TakeLadderPlace(12, 20));
        for (var i = 0; i < config.EnvsPerRunner; i++)
            Assert.Equal(ApexEpsilon.For(12 + i, 20, config.EpsilonBase, config.EpsilonAlpha), loop.EpsilonOf(i));

        var problem = loop.TakeLadderPlace(18, 20);
        Assert.NotNull(problem);
        Assert.Contains("ladder place 18 of 20 env slots", problem);
        Assert.Contains("first + 4 <= ladder size", problem);
        Assert.Equal(ApexEpsilon.For(12, 20, config.EpsilonBase, config.EpsilonAlpha), loop.EpsilonOf(0)); // unchanged
        Assert.NotNull(loop.TakeLadderPlace(-1, 20));
    }
}
