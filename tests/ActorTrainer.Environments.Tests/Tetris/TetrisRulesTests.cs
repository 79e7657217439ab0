using ActorTrainer.Environments.Tetris;

namespace ActorTrainer.Environments.Tests.Tetris;

public sealed class TetrisRulesTests
{
    private static TetrisEnvironment Fresh(int seed = 1)
    {
        var env = new TetrisEnvironment();
        env.Reset(seed, new float[env.ObservationSpace.Size]);
        return env;
    }

    private static string Row(TetrisEnvironment env, int y) =>
        new(Enumerable.Range(0, 10).Select(x => env.Cell(x, y) == 0 ? '.' : '#').ToArray());

    [Fact]
    public void Walls_mask_columns_where_the_piece_would_stick_out()
    {
        var env = Fresh();
        env.SetPieces(TetrominoKind.I, TetrominoKind.O);
        var mask = env.GetActionMask();
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal(c <= 6, mask[TetrisEnvironment.ActionOf(0, c)]); // flat I is 4 wide
            Assert.True(mask[TetrisEnvironment.ActionOf(1, c)]); // standing I fits everywhere
        }
        var ex = Assert.Throws<ArgumentException>(() => env.Step(TetrisEnvironment.ActionOf(0, 8), new float[27]));
        Assert.Contains("GetActionMask", ex.Message);
    }

    [Fact]
    public void A_dropped_piece_rests_on_the_highest_cell_below_it()
    {
        var env = Fresh();
        env.LoadBoard("#.........", "#.........", "#.........");
        env.SetPieces(TetrominoKind.O, TetrominoKind.T);
        var r = env.Step(TetrisEnvironment.ActionOf(0, 0), new float[27]);
        Assert.Equal(0, r.LinesCleared);
        Assert.Equal(0.01f, r.Reward);
        Assert.Equal("##........", Row(env, 15));
        Assert.Equal("##........", Row(env, 16));
        Assert.Equal("#.........", Row(env, 17));
        Assert.Equal("..........", Row(env, 14));
    }

    [Fact]
    public void An_overhang_stops_the_piece_even_with_space_below()
    {
        var env = Fresh();
        env.LoadBoard(".#........", "..........", "..........");
        env.SetPieces(TetrominoKind.J, TetrominoKind.T);
        // J rotated twice is "###" over "..#": its middle column rests on the cell at column 1, two rows
        // above the floor, although its hook column could have fallen further.
        env.Step(TetrisEnvironment.ActionOf(2, 0), new float[27]);
        Assert.Equal("###.......", Row(env, 16));
        Assert.Equal(".##.......", Row(env, 17));
        Assert.Equal("..........", Row(env, 18));
    }

    [Fact]
    public void One_full_row_clears_and_the_rest_falls()
    {
        var env = Fresh();
        env.LoadBoard("#########.");
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var r = env.Step(TetrisEnvironment.ActionOf(1, 9), new float[27]);
        Assert.Equal(1, r.LinesCleared);
        Assert.Equal(1f + 0.01f, r.Reward);
        Assert.Equal(1, env.TotalLinesCleared);
        for (var y = 17; y < 20; y++) Assert.Equal(".........#", Row(env, y));
        Assert.Equal("..........", Row(env, 16));
    }

    [Fact]
    public void Two_separated_rows_clear_at_once_and_pay_more_than_two_singles()
    {
        var env = Fresh();
        env.LoadBoard("########..", "#########.", "########..", "#########.");
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var r = env.Step(TetrisEnvironment.ActionOf(1, 9), new float[27]);
        Assert.Equal(2, r.LinesCleared);
        Assert.Equal(3f + 0.01f, r.Reward);
        Assert.Equal("########.#", Row(env, 18));
        Assert.Equal("########.#", Row(env, 19));
        Assert.Equal("..........", Row(env, 17));
    }

    [Fact]
    public void Four_rows_at_once_is_a_tetris_worth_eight()
    {
        var env = Fresh();
        env.LoadBoard("#########.", "#########.", "#########.", "#########.");
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var r = env.Step(TetrisEnvironment.ActionOf(1, 9), new float[27]);
        Assert.Equal(4, r.LinesCleared);
        Assert.Equal(8f + 0.01f, r.Reward);
        for (var y = 0; y < 20; y++) Assert.Equal("..........", Row(env, y));
    }

    [Fact]
    public void Game_ends_when_the_next_piece_cannot_spawn()
    {
        var env = Fresh();
        var rows = Enumerable.Repeat("#########.", 18).ToArray();
        env.LoadBoard(rows);
        env.SetPieces(TetrominoKind.O, TetrominoKind.T);
        Assert.False(env.IsGameOver);
        // The O fills columns 3-4 of the top two rows, where the T spawns.
        var r = env.Step(TetrisEnvironment.ActionOf(0, 3), new float[27]);
        Assert.True(r.Terminated);
        Assert.Equal(-1f, r.Reward);
        Assert.All(env.GetActionMask(), Assert.False);
        Assert.Throws<InvalidOperationException>(() => env.Step(0, new float[27]));
    }

    [Fact]
    public void Features_report_heights_holes_bumpiness_and_pieces()
    {
        var env = Fresh();
        env.LoadBoard("#.........");
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var obs = new float[27];
        env.Step(TetrisEnvironment.ActionOf(0, 0), obs); // flat I on top of column 0 covers three holes
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.1f, 0, 0, 0, 0, 0, 0], obs[..10]);
        Assert.Equal(3 / 20f, obs[10]);
        Assert.Equal(2 / 20f, obs[11]);
        Assert.Equal(0f, obs[12]);
        Assert.Equal(1f, obs[13 + (int)TetrominoKind.T]); // the old next piece is now current
        Assert.Equal(1f, obs[13..20].Sum());
        Assert.Equal(1f, obs[20 + (int)env.NextPiece]);
        Assert.True(env.ObservationSpace.Contains(obs));
    }

    [Fact]
    public void Board_observation_and_frame_show_the_cells()
    {
        var env = new TetrisEnvironment(new TetrisOptions { Observation = TetrisObservation.Board });
        Assert.Equal(214, env.ObservationSpace.Size);
        var obs = new float[214];
        env.Reset(3, obs);
        env.SetPieces(TetrominoKind.O, TetrominoKind.I);
        env.Step(TetrisEnvironment.ActionOf(0, 8), obs);
        Assert.Equal(1f, obs[18 * 10 + 8]);
        Assert.Equal(1f, obs[19 * 10 + 9]);
        Assert.Equal(4f, obs[..200].Sum());
        Assert.Equal(1f, obs[200 + (int)TetrominoKind.I]);
        var frame = env.Render();
        Assert.Equal(FrameKind.Cells, frame.Kind);
        Assert.Equal((10, 20), (frame.Width, frame.Height));
        Assert.Equal((byte)(TetrominoKind.O + 1), frame.Cells[19 * 10 + 9]);
        Assert.Equal(0, frame.Cells[19 * 10 + 0]);
    }

    [Fact]
    public void Pieces_come_from_a_seven_bag()
    {
        var env = Fresh(42);
        var seq = new List<TetrominoKind> { env.CurrentPiece };
        var obs = new float[27];
        var rng = new Random(1);
        while (seq.Count < 35)
        {
            var mask = env.GetActionMask();
            var legal = Enumerable.Range(0, 40).Where(a => mask[a]).ToArray();
            if (env.Step(legal[rng.Next(legal.Length)], obs).Terminated) break;
            seq.Add(env.CurrentPiece);
            if (env.PiecesPlaced % 10 == 0) env.LoadBoard(); // keep the game alive
        }
        Assert.True(seq.Count >= 28, $"game lasted only {seq.Count} pieces");
        for (var i = 0; i + 7 <= seq.Count; i += 7) Assert.Equal(7, seq.Skip(i).Take(7).Distinct().Count());
    }

    [Fact]
    public void Mask_matches_a_brute_force_drop_from_above_on_random_boards()
    {
        var rng = new Random(5);
        var obs = new float[27];
        for (var game = 0; game < 30; game++)
        {
            var env = new TetrisEnvironment();
            env.Reset(game, obs);
            for (var step = 0; step < 60; step++)
            {
                var mask = env.GetActionMask();
                for (var a = 0; a < 40; a++)
                    Assert.True(mask[a] == BruteForceFits(env, a), $"game {game} step {step} action {a}: mask {mask[a]}");
                var legal = Enumerable.Range(0, 40).Where(a => mask[a]).ToArray();
                if (env.Step(legal[rng.Next(legal.Length)], obs).Terminated) break;
            }
        }
    }

    // Moves the piece down one row at a time from fully above the board until it would hit a cell or the floor;
    // the placement is possible when the piece then lies wholly inside the board.
    private static bool BruteForceFits(TetrisEnvironment env, int action)
    {
        var shape = Tetrominoes.Get(env.CurrentPiece, action / 10);
        var x = action % 10;
        if (shape.Cells.Any(c => x + c.X > 9)) return false;
        bool Free(int py) => shape.Cells.All(c =>
            py + c.Y < 20 && (py + c.Y < 0 || env.Cell(x + c.X, py + c.Y) == 0));
        var y = -4;
        while (Free(y + 1)) y++;
        return y >= 0;
    }
}
