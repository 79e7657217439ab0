using ActorTrainer.Environments.Tetris;
using F = ActorTrainer.Environments.Tetris.PlacementFeatures;

namespace ActorTrainer.Environments.Tests.Tetris;

/// <summary>The placements observation: one row per action describing the board that placement leaves.</summary>
public sealed class PlacementFeaturesTests
{
    private const int N = TetrisEnvironment.PlacementFeatureCount;

    private static TetrisEnvironment Placements(int seed = 1)
    {
        var env = new TetrisEnvironment(new TetrisOptions { Observation = TetrisObservation.Placements });
        env.Reset(seed, new float[env.ObservationSpace.Size]);
        return env;
    }

    private static float[] Observe(TetrisEnvironment env)
    {
        var obs = new float[env.ObservationSpace.Size];
        env.WriteObservationForTests(obs);
        return obs;
    }

    private static float[] Row(float[] obs, int action) => obs.AsSpan(action * N, N).ToArray();

    private static float[] Expected(float lines, float landing, float eroded, float aggregate, float maxHeight, float holes,
        float bumpiness, float rowTransitions, float columnTransitions, float wells, float gameOver, TetrominoKind next)
    {
        var row = new float[N];
        row[0] = 1f;
        row[1] = lines / 4f;
        row[2] = landing / 20f;
        row[3] = eroded / 16f;
        row[4] = aggregate / 200f;
        row[5] = maxHeight / 20f;
        row[6] = holes / 40f;
        row[7] = bumpiness / 40f;
        row[8] = rowTransitions / 100f;
        row[9] = columnTransitions / 100f;
        row[10] = wells / 40f;
        row[11] = gameOver;
        row[12 + (int)next] = 1f;
        return row;
    }

    [Fact]
    public void The_layout_is_the_documented_contract()
    {
        var env = Placements();
        Assert.Equal(760, TetrisEnvironment.PlacementsSize);
        Assert.Equal(760, env.ObservationSpace.Size);
        Assert.Equal([40, 19], env.ObservationSpace.Shape);
        Assert.Equal(19, env.FeaturesPerAction);
        Assert.Equal(0, new TetrisEnvironment().FeaturesPerAction);
        Assert.Equal(0, new TetrisEnvironment(new TetrisOptions { Observation = TetrisObservation.Board }).FeaturesPerAction);
        Assert.Equal(
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            [F.Allowed, F.Lines, F.LandingHeight, F.ErodedCells, F.AggregateHeight, F.MaxHeight, F.Holes, F.Bumpiness,
                F.RowTransitions, F.ColumnTransitions, F.Wells, F.GameOver, F.NextPiece]);
    }

    [Fact]
    public void A_single_clears_one_line_and_erodes_one_cell()
    {
        var env = Placements();
        env.LoadBoard("#########.");
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var obs = Observe(env);
        // A standing I in column 9 fills the gap: rows 16-19 before clearing (middle 2.5 above the floor), then
        // three cells of column 9 remain. Empty columns count one column transition each, the floor against the
        // empty cell above it; each of the three rows has two row transitions around column 9's cell.
        Assert.Equal(Expected(lines: 1, landing: 2.5f, eroded: 1, aggregate: 3, maxHeight: 3, holes: 0, bumpiness: 3,
            rowTransitions: 6, columnTransitions: 10, wells: 0, gameOver: 0, TetrominoKind.T),
            Row(obs, TetrisEnvironment.ActionOf(1, 9)));
        // The flat I on the left lies on the stack and clears nothing.
        Assert.Equal(0f, obs[TetrisEnvironment.ActionOf(0, 0) * N + F.Lines]);
        Assert.Equal(2f / 20f, obs[TetrisEnvironment.ActionOf(0, 0) * N + F.LandingHeight]);
    }

    [Fact]
    public void A_tetris_clears_four_lines_erodes_sixteen_cells_and_leaves_an_empty_board()
    {
        var env = Placements();
        env.LoadBoard("#########.", "#########.", "#########.", "#########.");
        env.SetPieces(TetrominoKind.I, TetrominoKind.O);
        var obs = Observe(env);
        Assert.Equal(Expected(lines: 4, landing: 2.5f, eroded: 16, aggregate: 0, maxHeight: 0, holes: 0, bumpiness: 0,
            rowTransitions: 0, columnTransitions: 10, wells: 0, gameOver: 0, TetrominoKind.O),
            Row(obs, TetrisEnvironment.ActionOf(1, 9)));
        Assert.Equal(4, env.Step(TetrisEnvironment.ActionOf(1, 9), new float[obs.Length]).LinesCleared);
    }

    [Fact]
    public void Heights_holes_bumpiness_transitions_and_wells_describe_the_board_after_the_drop()
    {
        var env = Placements();
        env.LoadBoard(
            "#...#.....",
            "#.#.#....#",
            "###.##.#.#");
        env.SetPieces(TetrominoKind.O, TetrominoKind.I);
        var obs = Observe(env);
        // The O in columns 5-6 rests on column 5 (rows 17-18), leaving a hole in column 6:
        //   #...OO...    row 17   "#...###..."
        //   #.#.#OO..#   row 18   "#.#.###..#"
        //   ###.##.#.#   row 19
        // heights 3 1 2 0 3 3 3 1 0 2; row transitions 4 + 6 + 6; column transitions 1 per column, 3 in column 6;
        // wells: column 1 row 18 (1), column 3 rows 18-19 (1 + 2), column 8 row 19 (1).
        Assert.Equal(Expected(lines: 0, landing: 2.5f, eroded: 0, aggregate: 18, maxHeight: 3, holes: 1, bumpiness: 13,
            rowTransitions: 16, columnTransitions: 12, wells: 5, gameOver: 0, TetrominoKind.I),
            Row(obs, TetrisEnvironment.ActionOf(0, 5)));
    }

    [Fact]
    public void Landing_height_is_the_middle_of_the_piece_above_the_floor()
    {
        var env = Placements();
        env.SetPieces(TetrominoKind.I, TetrominoKind.T);
        var obs = Observe(env);
        Assert.Equal(1f / 20f, obs[TetrisEnvironment.ActionOf(0, 0) * N + F.LandingHeight]); // flat on the floor
        Assert.Equal(2.5f / 20f, obs[TetrisEnvironment.ActionOf(1, 0) * N + F.LandingHeight]); // standing
        env.LoadBoard(Enumerable.Repeat("#.........", 16).ToArray());
        obs = Observe(env);
        // A standing I on the 16-high column 0 fills rows 0-3: the highest landing there is.
        Assert.Equal(18.5f / 20f, obs[TetrisEnvironment.ActionOf(1, 0) * N + F.LandingHeight]);
    }

    [Fact]
    public void The_game_over_flag_marks_the_placements_that_end_the_game_and_the_last_observation_is_all_zeros()
    {
        var env = Placements();
        env.LoadBoard(Enumerable.Repeat("#########.", 18).ToArray());
        env.SetPieces(TetrominoKind.O, TetrominoKind.T);
        var obs = Observe(env);
        // Columns 0-8 stand 18 high: the O fits there only in the two top rows.
        Assert.Equal(1f, obs[TetrisEnvironment.ActionOf(0, 3) * N + F.GameOver]); // covers the T's spawn cells
        Assert.Equal(0f, obs[TetrisEnvironment.ActionOf(0, 0) * N + F.GameOver]); // the T still spawns beside it
        Assert.Equal(0f, obs[TetrisEnvironment.ActionOf(0, 8) * N + F.GameOver]);
        Assert.Equal(1f, obs[TetrisEnvironment.ActionOf(0, 0) * N + F.MaxHeight]);

        var r = env.Step(TetrisEnvironment.ActionOf(0, 3), obs);
        Assert.True(r.Terminated);
        Assert.All(obs, v => Assert.Equal(0f, v));
        var mask = new bool[TetrisEnvironment.ActionCount];
        env.GetActionMask(obs, mask);
        Assert.All(mask, Assert.False);
        Assert.True(env.ObservationSpace.Contains(obs));
    }

    [Fact]
    public void Impossible_placements_are_all_zero_rows_and_the_allowed_flag_is_the_mask()
    {
        var env = Placements();
        env.LoadBoard(Enumerable.Repeat("##........", 19).ToArray());
        env.SetPieces(TetrominoKind.I, TetrominoKind.O);
        var obs = Observe(env);
        var live = env.GetActionMask();
        var derived = new bool[TetrisEnvironment.ActionCount];
        env.GetActionMask(obs, derived);
        Assert.Equal(live, derived);
        Assert.False(live[TetrisEnvironment.ActionOf(1, 0)]); // a standing I does not fit on a 19-high column
        Assert.False(live[TetrisEnvironment.ActionOf(0, 7)]); // a flat I sticks out of the right wall
        for (var a = 0; a < TetrisEnvironment.ActionCount; a++)
        {
            if (!live[a]) Assert.All(Row(obs, a), v => Assert.Equal(0f, v));
            else Assert.Equal(1f, obs[a * N]);
        }
        env.GetActionMask(new float[obs.Length], derived);
        Assert.All(derived, Assert.False);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Over_whole_random_games_every_row_matches_what_the_step_then_does(int seed)
    {
        var env = new TetrisEnvironment(new TetrisOptions { Observation = TetrisObservation.Placements });
        var features = new TetrisEnvironment(); // the features kind's holes, as a second opinion
        var obs = new float[env.ObservationSpace.Size];
        var featureObs = new float[features.ObservationSpace.Size];
        var live = new bool[TetrisEnvironment.ActionCount];
        var derived = new bool[TetrisEnvironment.ActionCount];
        var rng = new Random(seed);
        int steps = 0, lines = 0, endings = 0;
        for (var game = 0; game < 30; game++)
        {
            env.Reset(seed * 1000 + game, obs);
            for (var step = 0; step < 300 && !env.IsGameOver; step++)
            {
                Assert.True(env.ObservationSpace.Contains(obs));
                env.GetActionMask(live);
                env.GetActionMask(obs, derived);
                Assert.Equal(live, derived);
                for (var a = 0; a < live.Length; a++)
                {
                    Assert.Equal(live[a] ? 1f : 0f, obs[a * N]);
                    if (!live[a]) Assert.All(Row(obs, a), v => Assert.Equal(0f, v));
                }

                var allowed = Enumerable.Range(0, live.Length).Where(a => live[a]).ToArray();
                // Half the moves follow a crude heuristic on the rows themselves, so games clear lines and clearing
                // placements get checked too, not only random stacking; the random half tops out the stack.
                var action = rng.Next(2) == 0
                    ? allowed.MaxBy(a => 3 * obs[a * N + F.ErodedCells] - obs[a * N + F.Holes] - obs[a * N + F.AggregateHeight] - obs[a * N + F.Bumpiness] / 4)
                    : allowed[rng.Next(allowed.Length)];
                var row = Row(obs, action);
                var (landing, eroded) = ReferenceDrop(env, action);
                var r = env.Step(action, obs);
                steps++;
                lines += r.LinesCleared;

                Assert.Equal(r.LinesCleared / 4f, row[F.Lines]);
                Assert.Equal(landing / 20f, row[F.LandingHeight]);
                Assert.Equal(eroded / 16f, row[F.ErodedCells]);
                Assert.Equal(r.Terminated ? 1f : 0f, row[F.GameOver]);
                if (r.Terminated) endings++;
                Assert.Equal(1f, row[F.NextPiece + (int)env.CurrentPiece]);
                Assert.Equal(1f, row[F.NextPiece..].Sum());
                var board = ReferenceFeatures(env);
                Assert.Equal(board, row[F.AggregateHeight..F.GameOver]);

                features.LoadBoard(Enumerable.Range(0, 20).Select(y => RowText(env, y)).ToArray());
                features.WriteObservationForTests(featureObs);
                Assert.Equal(featureObs[TetrisEnvironment.Width] * 20f / 40f, row[F.Holes], 6);
            }
            if (env.IsGameOver) Assert.All(obs, v => Assert.Equal(0f, v)); // the final state has no possible placement
        }
        Assert.True(steps > 500, $"only {steps} steps");
        Assert.True(lines > 30, $"only {lines} lines cleared");
        Assert.True(endings > 10, $"only {endings} games ended within 300 pieces");
    }

    private static string RowText(TetrisEnvironment env, int y) =>
        new(Enumerable.Range(0, 10).Select(x => env.Cell(x, y) == 0 ? '.' : '#').ToArray());

    // Drops the current piece one row at a time, as TetrisRulesTests' brute-force check does, and returns the
    // El-Tetris landing height and the eroded piece cells, from the board before the step.
    private static (float Landing, int Eroded) ReferenceDrop(TetrisEnvironment env, int action)
    {
        var shape = Tetrominoes.Get(env.CurrentPiece, action / 10);
        var x = action % 10;
        bool Free(int py) => shape.Cells.All(c => py + c.Y < 20 && (py + c.Y < 0 || env.Cell(x + c.X, py + c.Y) == 0));
        var y = -4;
        while (Free(y + 1)) y++;
        var fullRows = Enumerable.Range(0, 20)
            .Where(row => Enumerable.Range(0, 10).All(cx => env.Cell(cx, row) != 0 || shape.Cells.Contains((cx - x, row - y))))
            .ToHashSet();
        var pieceCells = shape.Cells.Count(c => fullRows.Contains(y + c.Y));
        var rows = shape.Cells.Max(c => c.Y) + 1;
        return (20 - y - (rows - 1) / 2f, fullRows.Count * pieceCells);
    }

    // Aggregate height, max height, holes, bumpiness, row transitions, column transitions and wells of the env's
    // board, scaled, computed straight from the definitions.
    private static float[] ReferenceFeatures(TetrisEnvironment env)
    {
        bool Filled(int x, int y) => x < 0 || x > 9 || y > 19 || (y >= 0 && env.Cell(x, y) != 0);
        var heights = Enumerable.Range(0, 10).Select(x => Enumerable.Range(0, 20).Where(y => Filled(x, y)).Select(y => 20 - y).DefaultIfEmpty(0).Max()).ToArray();
        var holes = Enumerable.Range(0, 10).Sum(x => Enumerable.Range(20 - heights[x], heights[x]).Count(y => !Filled(x, y)));
        var bumpiness = Enumerable.Range(1, 9).Sum(x => Math.Abs(heights[x] - heights[x - 1]));
        var max = heights.Max();
        // Walls at x = -1 and 10 count as filled; rows from the floor up to the highest filled one.
        var rowTransitions = Enumerable.Range(20 - max, max).Sum(y => Enumerable.Range(-1, 11).Count(x => Filled(x, y) != Filled(x + 1, y)));
        // The floor at y = 20 counts as filled; pairs up to the top row.
        var columnTransitions = Enumerable.Range(0, 10).Sum(x => Enumerable.Range(0, 20).Count(y => Filled(x, y) != Filled(x, y + 1)));
        var wells = 0;
        for (var x = 0; x < 10; x++)
        {
            for (var y = 0; y < 20 - heights[x]; y++)
            {
                // Each open well cell adds its depth: itself plus the well cells straight above it.
                var depth = 0;
                while (y - depth >= 0 && Filled(x - 1, y - depth) && Filled(x + 1, y - depth)) depth++;
                wells += depth;
            }
        }
        return [heights.Sum() / 200f, max / 20f, holes / 40f, bumpiness / 40f, rowTransitions / 100f, columnTransitions / 100f, wells / 40f];
    }
}
