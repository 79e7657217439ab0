using ActorTrainer.Environments.Tetris;

namespace ActorTrainer.Environments.Tests.Tetris;

/// <summary>The mask read back from an observation is the environment's own mask, state after state.</summary>
public sealed class ObservationMaskTests
{
    [Theory]
    [InlineData(TetrisObservation.Features, 1)]
    [InlineData(TetrisObservation.Features, 2)]
    [InlineData(TetrisObservation.Board, 3)]
    [InlineData(TetrisObservation.Placements, 4)]
    public void Mask_from_the_observation_equals_the_environments_mask_over_whole_games(TetrisObservation kind, int seed)
    {
        var env = new TetrisEnvironment(new TetrisOptions { Observation = kind });
        var obs = new float[env.ObservationSpace.Size];
        var live = new bool[TetrisEnvironment.ActionCount];
        var derived = new bool[TetrisEnvironment.ActionCount];
        var rng = new Random(seed);
        int states = 0, maskedByStack = 0;
        for (var game = 0; game < 20; game++)
        {
            env.Reset(seed * 100 + game, obs);
            while (!env.IsGameOver)
            {
                env.GetActionMask(live);
                env.GetActionMask(obs, derived);
                Assert.Equal(live, derived);
                states++;
                if (live.Count(f => f) < EmptyBoardAllowed(env.CurrentPiece)) maskedByStack++;
                var allowed = Enumerable.Range(0, live.Length).Where(a => live[a]).ToArray();
                env.Step(allowed[rng.Next(allowed.Length)], obs);
            }
        }
        // Random play stacks high, so the comparison covered states where the stack (not only the walls) masks.
        Assert.True(states > 100, $"only {states} states compared");
        Assert.True(maskedByStack > 10, $"only {maskedByStack} of {states} states had placements masked by the stack");
    }

    private static int EmptyBoardAllowed(TetrominoKind kind)
    {
        var env = new TetrisEnvironment();
        env.Reset(0, new float[env.ObservationSpace.Size]);
        env.SetPieces(kind, kind);
        return env.GetActionMask().Count(f => f);
    }

    [Fact]
    public void A_stack_at_the_top_masks_the_columns_it_covers()
    {
        var env = new TetrisEnvironment();
        var obs = new float[env.ObservationSpace.Size];
        env.Reset(1, obs);
        env.LoadBoard(Enumerable.Repeat("##........", 19).ToArray());
        env.SetPieces(TetrominoKind.I, TetrominoKind.O);
        env.WriteObservationForTests(obs);
        var mask = new bool[TetrisEnvironment.ActionCount];
        env.GetActionMask(obs, mask);
        Assert.False(mask[TetrisEnvironment.ActionOf(1, 0)]); // a standing I does not fit on a 19-high column
        Assert.True(mask[TetrisEnvironment.ActionOf(1, 5)]);
        Assert.Equal(env.GetActionMask(), mask);
    }

    [Fact]
    public void A_wrong_sized_observation_is_refused_with_the_expected_size()
    {
        var env = new TetrisEnvironment();
        var ex = Assert.Throws<ArgumentException>(() => env.GetActionMask(new float[5], new bool[TetrisEnvironment.ActionCount]));
        Assert.Contains("27", ex.Message);
    }
}
