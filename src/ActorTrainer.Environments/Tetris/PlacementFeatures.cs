namespace ActorTrainer.Environments.Tetris;

/// <summary>
/// The <c>placements</c> observation: one row of <see cref="Count"/> floats per action (row-major [40, 19]) that
/// describes the afterstate, the board the placement leaves once its full rows are cleared (Sutton and Barto 6.8;
/// the classic hand-made Tetris features of Dellacherie and El-Tetris). A learner that scores every row with the
/// same small network then values placements by their outcome instead of learning the drop rules itself. The row
/// of an impossible placement is all zeros, so its allowed flag (index 0) is the action mask.
/// <para>Definitions (heights count cells from the floor; a column's height is that of its highest filled cell):</para>
/// <list type="bullet">
/// <item>landing height: the middle of the placed piece's bounding box, in rows above the floor before clearing,
/// counting the bottom row as 1: <c>(20 - top row) - (piece height - 1) / 2</c>, so a flat I on the floor is 1 and
/// a standing one 2.5.</item>
/// <item>eroded cells: lines cleared times the placed piece's cells in those lines.</item>
/// <item>holes: empty cells below their column's highest filled cell.</item>
/// <item>row transitions: per row, filled/empty changes from the left wall to the right wall, both walls filled,
/// over the rows from the floor up to the highest filled row only; empty rows above the stack count nothing, so
/// the feature measures raggedness and leaves height to the height features.</item>
/// <item>column transitions: per column, filled/empty changes from the floor (filled) up to the top row; nothing is
/// counted above the top row, so a column without holes has 1 unless it reaches the top.</item>
/// <item>cumulative wells: a well cell is an open cell (above its column's highest filled cell) whose left and
/// right neighbours are filled or a wall; going down a column, each well cell adds its depth within its run of
/// consecutive well cells, so a well d deep adds 1 + 2 + ... + d.</item>
/// <item>game over: the next piece could not spawn on the afterstate or would have no possible placement, the
/// same test the step applies, so 1 means this action ends the game.</item>
/// </list>
/// </summary>
internal static class PlacementFeatures
{
    public const int Count = 19;

    public const int Allowed = 0;
    public const int Lines = 1;
    public const int LandingHeight = 2;
    public const int ErodedCells = 3;
    public const int AggregateHeight = 4;
    public const int MaxHeight = 5;
    public const int Holes = 6;
    public const int Bumpiness = 7;
    public const int RowTransitions = 8;
    public const int ColumnTransitions = 9;
    public const int Wells = 10;
    public const int GameOver = 11;
    public const int NextPiece = 12; // one-hot of 7

    private const int Width = TetrisEnvironment.Width;
    private const int Height = TetrisEnvironment.Height;

    // Scales put a typical game's values within [0, ~2]; the bounds below are the true or safe maxima.
    private const float LinesScale = 4f;
    private const float LandingScale = Height;
    private const float ErodedScale = 16f;
    private const float AggregateScale = Width * Height;
    private const float MaxHeightScale = Height;
    private const float HolesScale = 40f;
    private const float BumpinessScale = 40f;
    private const float TransitionsScale = 100f;
    private const float WellsScale = 40f;

    /// <summary>The observation space: [0, bound] per feature, shape [40, 19].</summary>
    public static BoxSpace Space()
    {
        Span<float> rowHigh = stackalloc float[Count];
        rowHigh.Fill(1f); // flags, one-hots, and the features whose scale is their maximum
        rowHigh[Holes] = Width * (Height - 1) / HolesScale; // every cell below the top row
        rowHigh[Bumpiness] = (Width - 1) * Height / BumpinessScale;
        rowHigh[RowTransitions] = Height * Width / TransitionsScale; // a row starts and ends at a filled wall: at most 10
        rowHigh[ColumnTransitions] = Width * Height / TransitionsScale; // 21 values from the floor up: at most 20
        // A well cell's neighbours are filled, so at most 5 of a row's 10 cells are well cells, and one in row r
        // (0 at the top) is at most r + 1 deep: 5 * (1 + ... + 20).
        rowHigh[Wells] = Width / 2 * (Height * (Height + 1) / 2) / WellsScale;
        var high = new float[TetrisEnvironment.ActionCount * Count];
        for (var a = 0; a < TetrisEnvironment.ActionCount; a++) rowHigh.CopyTo(high.AsSpan(a * Count, Count));
        return new BoxSpace(new float[high.Length], high, [TetrisEnvironment.ActionCount, Count]);
    }

    /// <summary>
    /// Writes every action's row for <paramref name="piece"/> on the board; <paramref name="next"/> is the piece that
    /// becomes current after the placement. <paramref name="scratchCells"/> and <paramref name="scratchTop"/> hold
    /// each simulated board in turn.
    /// </summary>
    public static void Write(ReadOnlySpan<byte> cells, ReadOnlySpan<int> columnTop, TetrominoKind piece, TetrominoKind next,
        Span<byte> scratchCells, Span<int> scratchTop, Span<float> observation)
    {
        var rows = observation[..(TetrisEnvironment.ActionCount * Count)];
        rows.Clear();
        for (var a = 0; a < TetrisEnvironment.ActionCount; a++)
        {
            // A rotation alike an earlier one (O, I, S, Z) leaves the same boards: copy its rows instead of simulating again.
            var rotation = a / Width;
            var alike = Tetrominoes.FirstRotationAlike(piece, rotation);
            if (alike != rotation)
            {
                rows.Slice((alike * Width + a % Width) * Count, Count).CopyTo(rows.Slice(a * Count, Count));
                continue;
            }
            var y = TetrisBoard.LandingRow(piece, a, columnTop);
            if (y >= 0) WriteRow(cells, piece, a, y, next, scratchCells, scratchTop, rows.Slice(a * Count, Count));
        }
    }

    private static void WriteRow(ReadOnlySpan<byte> cells, TetrominoKind piece, int action, int y, TetrominoKind next,
        Span<byte> after, Span<int> top, Span<float> row)
    {
        cells.CopyTo(after);
        TetrisBoard.Place(piece, action, y, after);
        var shape = Tetrominoes.Get(piece, action / Width);
        var pieceCellsInFullRows = 0;
        foreach (var (_, cy) in shape.Cells)
        {
            if (TetrisBoard.IsFullRow(after, y + cy)) pieceCellsInFullRows++;
        }
        var lines = TetrisBoard.ClearFullRows(after);
        TetrisBoard.ColumnTops(after, top);

        int aggregate = 0, maxHeight = 0, bumpiness = 0, holes = 0, columnTransitions = 0, wells = 0;
        for (var x = 0; x < Width; x++)
        {
            var t = top[x];
            aggregate += Height - t;
            maxHeight = Math.Max(maxHeight, Height - t);
            if (x > 0) bumpiness += Math.Abs(t - top[x - 1]);

            // Up from the floor to the column's top cell; above it every cell is empty.
            var filled = true;
            for (var r = Height - 1; r >= t; r--)
            {
                var f = after[r * Width + x] != 0;
                if (f != filled) columnTransitions++;
                if (!f) holes++;
                filled = f;
            }
            if (t > 0) columnTransitions++; // the top cell (or the floor) against the empty cell above it

            // A neighbour is filled only at or below its own top, so no well cell lies above both neighbours' tops.
            var depth = 0;
            var firstWellRow = Math.Max(x == 0 ? 0 : top[x - 1], x == Width - 1 ? 0 : top[x + 1]);
            for (var r = firstWellRow; r < t; r++)
            {
                var left = x == 0 || after[r * Width + x - 1] != 0;
                var right = x == Width - 1 || after[r * Width + x + 1] != 0;
                depth = left && right ? depth + 1 : 0;
                wells += depth;
            }
        }

        var rowTransitions = 0;
        for (var r = Height - maxHeight; r < Height; r++)
        {
            var filled = true; // the left wall
            for (var x = 0; x < Width; x++)
            {
                var f = after[r * Width + x] != 0;
                if (f != filled) rowTransitions++;
                filled = f;
            }
            if (!filled) rowTransitions++; // against the right wall
        }

        row[Allowed] = 1f;
        row[Lines] = lines / LinesScale;
        row[LandingHeight] = (Height - y - (shape.Height - 1) / 2f) / LandingScale;
        row[ErodedCells] = lines * pieceCellsInFullRows / ErodedScale;
        row[AggregateHeight] = aggregate / AggregateScale;
        row[MaxHeight] = maxHeight / MaxHeightScale;
        row[Holes] = holes / HolesScale;
        row[Bumpiness] = bumpiness / BumpinessScale;
        row[RowTransitions] = rowTransitions / TransitionsScale;
        row[ColumnTransitions] = columnTransitions / TransitionsScale;
        row[Wells] = wells / WellsScale;
        row[GameOver] = TetrisBoard.EndsGame(next, after, top) ? 1f : 0f;
        row[NextPiece + (int)next] = 1f;
    }
}
