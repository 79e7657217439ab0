using ActorTrainer.Environments;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Tests.Runs;

public sealed class ObservationMasksTests
{
    [Fact]
    public void Tetris_gives_the_learner_its_mask_rule_and_classic_control_gives_none()
    {
        var registry = EnvironmentRegistry.Default;
        Assert.Null(ObservationMasks.For(registry, TrainingDefaults.For("CartPole-v1")));

        var rule = ObservationMasks.For(registry, new TrainingConfig { Env = "Tetris-v0" });
        Assert.NotNull(rule);
        var env = registry.Make("Tetris-v0");
        var obs = new float[env.ObservationSpace.Size];
        env.Reset(4, obs);
        var fromRule = new bool[env.ActionSpace.N];
        rule(obs, fromRule);
        Assert.Equal(env.GetActionMask(), fromRule);
        Assert.Contains(false, fromRule); // the walls forbid some placements of every piece
    }
}
