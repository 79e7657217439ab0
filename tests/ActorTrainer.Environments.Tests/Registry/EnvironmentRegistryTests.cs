using ActorTrainer.Environments.Tetris;

namespace ActorTrainer.Environments.Tests.Registry;

public sealed class EnvironmentRegistryTests
{
    [Fact]
    public void Built_ins_carry_gymnasiums_metadata()
    {
        var r = EnvironmentRegistry.Default;
        Assert.Equal(["Acrobot-v1", "CartPole-v1", "MountainCar-v0", "Tetris-v0"], r.Ids);
        Assert.Equal(475, r.GetSpec("CartPole-v1").RewardThreshold);
        Assert.Equal(-100, r.GetSpec("Acrobot-v1").RewardThreshold);
        Assert.Equal(-110, r.GetSpec("MountainCar-v0").RewardThreshold);
        Assert.Equal(6, r.GetSpec("Acrobot-v1").ObservationSpace.Size);
        Assert.Equal(3, r.GetSpec("MountainCar-v0").ActionSpace.N);
        Assert.True(r.GetSpec("Tetris-v0").HasActionMask);
        Assert.Equal(["position", "velocity"], r.GetSpec("MountainCar-v0").StateVariables);
    }

    [Fact]
    public void Unknown_id_lists_known_ids_and_suggests_the_closest()
    {
        var ex = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Make("CartPole-v2"));
        Assert.Equal("CartPole-v1", ex.Suggestion);
        Assert.Contains("Did you mean 'CartPole-v1'?", ex.Message);
        Assert.Contains("Acrobot-v1, CartPole-v1, MountainCar-v0, Tetris-v0", ex.Message);

        var lower = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Make("mountaincar-v0"));
        Assert.Equal("MountainCar-v0", lower.Suggestion);

        var far = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Make("Pong-v5"));
        Assert.Null(far.Suggestion);
    }

    [Fact]
    public void Users_register_their_own_environment_and_make_it_with_its_time_limit()
    {
        var r = EnvironmentRegistry.WithBuiltIns();
        r.Register("Corridor-v0", _ => new CorridorEnv(), maxEpisodeSteps: 3, rewardThreshold: 1, description: "walk right");
        var env = r.Make("Corridor-v0");
        var obs = env.Reset(0);
        Assert.Equal([0f], obs);
        Assert.False(env.Step(0, obs).Done);
        Assert.False(env.Step(0, obs).Done);
        Assert.True(env.Step(0, obs).Truncated);
        Assert.Equal(2, r.GetSpec("Corridor-v0").ActionSpace.N);
        Assert.False(EnvironmentRegistry.Default.Contains("Corridor-v0"));
    }

    [Theory]
    [InlineData("Corridor", "Name-vN")]
    [InlineData("CartPole-v1", "already registered")]
    public void Bad_registrations_say_why(string id, string expected)
    {
        var r = EnvironmentRegistry.WithBuiltIns();
        var ex = Assert.Throws<ArgumentException>(() => r.Register(id, _ => new CorridorEnv()));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Settings_choose_tetris_observation_and_unknown_settings_are_rejected()
    {
        var board = EnvironmentRegistry.Default.Make("Tetris-v0",
            new EnvironmentOptions { Settings = new Dictionary<string, string> { ["observation"] = "board" } });
        Assert.Equal(TetrisEnvironment.BoardSize, board.ObservationSpace.Size);
        var placements = EnvironmentRegistry.Default.Make("Tetris-v0",
            new EnvironmentOptions { Settings = new Dictionary<string, string> { ["observation"] = "placements" } });
        Assert.Equal(TetrisEnvironment.PlacementsSize, placements.ObservationSpace.Size);
        Assert.Equal(TetrisEnvironment.PlacementFeatureCount, Assert.IsAssignableFrom<IPerActionObservation>(placements.Unwrapped()).FeaturesPerAction);
        Assert.Equal(TetrisEnvironment.FeatureSize, EnvironmentRegistry.Default.Make("Tetris-v0").ObservationSpace.Size); // the default
        var bad = Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Default.Make("CartPole-v1",
            new EnvironmentOptions { Settings = new Dictionary<string, string> { ["gravity"] = "3" } }));
        Assert.Contains("no setting 'gravity'", bad.Message);
        var value = Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Default.Make("Tetris-v0",
            new EnvironmentOptions { Settings = new Dictionary<string, string> { ["observation"] = "pixels" } }));
        Assert.Contains("'features', 'board' or 'placements'", value.Message);
    }

    private sealed class CorridorEnv : IEnvironment
    {
        private int _pos;

        public BoxSpace ObservationSpace { get; } = new([0f], [10f]);

        public DiscreteSpace ActionSpace { get; } = new(2);

        public bool HasActionMask => false;

        public void GetActionMask(Span<bool> mask) => mask[..2].Fill(true);

        public void Reset(int? seed, Span<float> observation)
        {
            _pos = 0;
            observation[0] = 0;
        }

        public StepResult Step(int action, Span<float> observation)
        {
            _pos += action;
            observation[0] = _pos;
            return new StepResult(_pos == 10 ? 1 : 0, _pos == 10, false);
        }

        public Frame Render() => Frame.FromState("corridor", ["position"], [_pos]);
    }
}
