namespace ActorTrainer.Environments.Tetris;

/// <summary>
/// Tetris-v0's rules on a board given as spans (cells row-major, top row first, 0 empty; column tops as the row of
/// each column's highest filled cell, <see cref="TetrisEnvironment.Height"/> when empty). They work on spans so the
/// real step and the afterstate simulation of every placement apply the very same rules to different boards.
/// </summary>
internal static class TetrisBoard
{
    private const int Width = TetrisEnvironment.Width;
    private const int Height = TetrisEnvironment.Height;

    /// <summary>Row where the piece's bounding box comes to rest for this action, or -1 when the placement is impossible.</summary>
    public static int LandingRow(TetrominoKind kind, int action, ReadOnlySpan<int> columnTop)
    {
        var shape = Tetrominoes.Get(kind, action / Width);
        var x = action % Width;
        if (x + shape.Width > Width) return -1;
        var y = int.MaxValue;
        var bottom = shape.Bottom;
        for (var dx = 0; dx < bottom.Length; dx++)
        {
            // Dropped from above, the piece stops on the highest filled cell of each column it covers.
            y = Math.Min(y, columnTop[x + dx] - 1 - bottom[dx]);
        }
        return y;
    }

    /// <summary>Writes the piece's cells (kind + 1) with its bounding box at (action's column, <paramref name="y"/>).</summary>
    public static void Place(TetrominoKind kind, int action, int y, Span<byte> cells)
    {
        var shape = Tetrominoes.Get(kind, action / Width);
        var x = action % Width;
        var value = (byte)((int)kind + 1);
        foreach (var (cx, cy) in shape.Cells) cells[(y + cy) * Width + x + cx] = value;
    }

    public static bool IsFullRow(ReadOnlySpan<byte> cells, int y) => !cells.Slice(y * Width, Width).Contains((byte)0);

    /// <summary>Removes every full row, lets the rows above fall, and returns how many were removed.</summary>
    public static int ClearFullRows(Span<byte> cells)
    {
        var write = Height - 1;
        var cleared = 0;
        for (var read = Height - 1; read >= 0; read--)
        {
            if (IsFullRow(cells, read))
            {
                cleared++;
                continue;
            }
            if (write != read) cells.Slice(read * Width, Width).CopyTo(cells.Slice(write * Width, Width));
            write--;
        }
        if (cleared > 0) cells[..(cleared * Width)].Clear();
        return cleared;
    }

    public static void ColumnTops(ReadOnlySpan<byte> cells, Span<int> columnTop)
    {
        for (var x = 0; x < Width; x++)
        {
            var y = 0;
            while (y < Height && cells[y * Width + x] == 0) y++;
            columnTop[x] = y;
        }
    }

    /// <summary>True when the piece fits at its spawn position: rotation 0, centred, in the top rows.</summary>
    public static bool CanSpawn(TetrominoKind kind, ReadOnlySpan<byte> cells)
    {
        var shape = Tetrominoes.Get(kind, 0);
        var x = (Width - shape.Width) / 2;
        foreach (var (cx, cy) in shape.Cells)
        {
            if (cells[cy * Width + x + cx] != 0) return false;
        }
        return true;
    }

    public static bool AnyPlacement(TetrominoKind kind, ReadOnlySpan<int> columnTop)
    {
        for (var a = 0; a < TetrisEnvironment.ActionCount; a++)
        {
            if (LandingRow(kind, a, columnTop) >= 0) return true;
        }
        return false;
    }

    /// <summary>The state after a placement ends the game when the next piece cannot spawn or cannot be placed.</summary>
    public static bool EndsGame(TetrominoKind next, ReadOnlySpan<byte> cells, ReadOnlySpan<int> columnTop) =>
        !CanSpawn(next, cells) || !AnyPlacement(next, columnTop);
}
