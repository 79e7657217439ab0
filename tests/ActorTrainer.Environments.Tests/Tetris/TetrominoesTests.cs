using ActorTrainer.Environments.Tetris;

namespace ActorTrainer.Environments.Tests.Tetris;

public sealed class TetrominoesTests
{
    private static HashSet<(int, int)> Cells(TetrominoKind k, int r) => Tetrominoes.Get(k, r).Cells.ToHashSet();

    [Fact]
    public void T_turns_clockwise_through_up_right_down_left()
    {
        Assert.Equal([(1, 0), (0, 1), (1, 1), (2, 1)], Cells(TetrominoKind.T, 0).ToHashSet());
        Assert.Equal([(0, 0), (0, 1), (1, 1), (0, 2)], Cells(TetrominoKind.T, 1).ToHashSet()); // points right
        Assert.Equal([(0, 0), (1, 0), (2, 0), (1, 1)], Cells(TetrominoKind.T, 2).ToHashSet()); // points down
        Assert.Equal([(1, 0), (0, 1), (1, 1), (1, 2)], Cells(TetrominoKind.T, 3).ToHashSet()); // points left
    }

    [Fact]
    public void I_is_horizontal_then_vertical_and_O_never_changes()
    {
        var flat = Tetrominoes.Get(TetrominoKind.I, 0);
        var tall = Tetrominoes.Get(TetrominoKind.I, 1);
        Assert.Equal((4, 1), (flat.Width, flat.Height));
        Assert.Equal((1, 4), (tall.Width, tall.Height));
        for (var r = 1; r < 4; r++) Assert.Equal(Cells(TetrominoKind.O, 0), Cells(TetrominoKind.O, r));
    }

    [Fact]
    public void Every_piece_has_four_cells_and_rotation_four_times_returns_home()
    {
        foreach (var k in Enum.GetValues<TetrominoKind>())
        {
            for (var r = 0; r < 4; r++)
            {
                var shape = Tetrominoes.Get(k, r);
                Assert.Equal(4, shape.Cells.Length);
                Assert.Equal(shape.Cells.Length, shape.Cells.Distinct().Count());
                // Turning rotation r clockwise once more gives rotation r + 1 (mod 4).
                var turned = shape.Cells.Select(c => (-c.Y, c.X)).ToArray();
                int minX = turned.Min(c => c.Item1), minY = turned.Min(c => c.Item2);
                Assert.Equal(Cells(k, (r + 1) % 4), turned.Select(c => (c.Item1 - minX, c.Item2 - minY)).ToHashSet());
            }
        }
    }

    [Fact]
    public void S_and_Z_and_J_and_L_spawn_in_their_standard_orientation()
    {
        Assert.Equal([(1, 0), (2, 0), (0, 1), (1, 1)], Cells(TetrominoKind.S, 0).ToHashSet());
        Assert.Equal([(0, 0), (1, 0), (1, 1), (2, 1)], Cells(TetrominoKind.Z, 0).ToHashSet());
        Assert.Equal([(0, 0), (0, 1), (1, 1), (2, 1)], Cells(TetrominoKind.J, 0).ToHashSet());
        Assert.Equal([(2, 0), (0, 1), (1, 1), (2, 1)], Cells(TetrominoKind.L, 0).ToHashSet());
    }
}
