namespace ActorTrainer.Environments.Tetris;

/// <summary>
/// Tetris-v0: a 10x20 board, pieces from a seeded 7-bag (each run of seven holds every piece once), and
/// placement actions: action = rotation * 10 + column, where rotation 0..3 turns the current piece clockwise from its
/// spawn orientation and column is where the left edge of its bounding box goes. The piece is hard-dropped straight
/// down from above the board. A placement is possible (action mask true) when the piece fits inside the walls and
/// comes to rest entirely inside the board; the four rotations of O (and two of I, S, Z) are duplicates that stay
/// allowed. After each placement full rows are cleared and the next piece spawns (rotation 0, centred, top rows);
/// the game is over (terminated) when it overlaps the stack or has no possible placement. One step = one piece.
/// Taking a masked action throws, since it is a bug in the caller's masking. The observation kind is chosen by
/// <see cref="TetrisOptions.Observation"/>; the <c>placements</c> kind is per action (<see cref="IPerActionObservation"/>).
/// </summary>
public sealed class TetrisEnvironment : IEnvironment, IObservationActionMask, IPerActionObservation
{
    public const string Id = "Tetris-v0";
    public const int Width = 10;
    public const int Height = 20;
    public const int ActionCount = Tetrominoes.Rotations * Width;
    public const int FeatureSize = Width + 3 + 7 + 7;
    public const int BoardSize = Width * Height + 7 + 7;
    public const int PlacementFeatureCount = PlacementFeatures.Count;
    public const int PlacementsSize = ActionCount * PlacementFeatureCount;

    private static readonly string[] FrameNames = ["current", "next", "lines", "pieces"];

    private readonly TetrisOptions _options;
    private readonly byte[] _cells = new byte[Width * Height];
    private readonly int[] _columnTop = new int[Width];
    private readonly TetrominoKind[] _bag = new TetrominoKind[7];
    // The board of one simulated placement at a time, for the placements observation.
    private readonly byte[] _afterCells = new byte[Width * Height];
    private readonly int[] _afterColumnTop = new int[Width];
    private readonly float[] _lineRewards;
    private Xoshiro256 _rng = Xoshiro256.FromEntropy();
    private int _bagIndex = 7;
    private int _lastLines;
    private bool _started;

    public TetrisEnvironment(TetrisOptions? options = null)
    {
        _options = options ?? new TetrisOptions();
        if (_options.LineRewards.Count != 5)
            throw new ArgumentException($"LineRewards needs 5 values (for 0, 1, 2, 3, 4 lines), got {_options.LineRewards.Count}");
        _lineRewards = _options.LineRewards.ToArray();
        ObservationSpace = _options.Observation switch
        {
            TetrisObservation.Board => BoardSpace(),
            TetrisObservation.Placements => PlacementFeatures.Space(),
            _ => FeatureSpace(),
        };
        Array.Fill(_columnTop, Height);
    }

    public BoxSpace ObservationSpace { get; }

    public DiscreteSpace ActionSpace { get; } = new(ActionCount);

    public bool HasActionMask => true;

    /// <summary><see cref="PlacementFeatureCount"/> for the placements observation; 0 (not per action) for the others.</summary>
    public int FeaturesPerAction => _options.Observation == TetrisObservation.Placements ? PlacementFeatureCount : 0;

    public TetrominoKind CurrentPiece { get; private set; }

    public TetrominoKind NextPiece { get; private set; }

    public bool IsGameOver { get; private set; }

    public int TotalLinesCleared { get; private set; }

    public int PiecesPlaced { get; private set; }

    /// <summary>The cell at column x, row y (row 0 is the top): 0 empty, else piece kind + 1.</summary>
    public byte Cell(int x, int y) => _cells[y * Width + x];

    public static int ActionOf(int rotation, int column) => rotation * Width + column;

    public void Reset(int? seed, Span<float> observation)
    {
        EnvGuard.Observation(observation, ObservationSpace.Size);
        if (seed is { } s) _rng = new Xoshiro256((ulong)s);
        Array.Clear(_cells);
        Array.Fill(_columnTop, Height);
        _bagIndex = 7;
        CurrentPiece = Draw();
        NextPiece = Draw();
        IsGameOver = false;
        TotalLinesCleared = 0;
        PiecesPlaced = 0;
        _lastLines = 0;
        _started = true;
        WriteObservation(observation);
    }

    public void GetActionMask(Span<bool> mask)
    {
        if (mask.Length < ActionCount)
            throw new ArgumentException($"the mask span holds {mask.Length} flags; Tetris-v0 has {ActionCount} actions");
        for (var a = 0; a < ActionCount; a++) mask[a] = !IsGameOver && TetrisBoard.LandingRow(CurrentPiece, a, _columnTop) >= 0;
    }

    /// <summary>
    /// The mask for the state an observation of this environment's kind describes. Features and board hold the
    /// column tops (as heights / 20 or as cells) and the current piece, which is all a placement depends on;
    /// placements carry each action's allowed flag at the start of its row.
    /// </summary>
    public void GetActionMask(ReadOnlySpan<float> observation, Span<bool> mask)
    {
        if (observation.Length != ObservationSpace.Size)
            throw new ArgumentException($"the observation holds {observation.Length} values; {Id} with {_options.Observation} observations has {ObservationSpace.Size}");
        if (mask.Length < ActionCount)
            throw new ArgumentException($"the mask span holds {mask.Length} flags; {Id} has {ActionCount} actions");
        if (_options.Observation == TetrisObservation.Placements)
        {
            for (var a = 0; a < ActionCount; a++) mask[a] = observation[a * PlacementFeatureCount + PlacementFeatures.Allowed] == 1f;
            return;
        }
        Span<int> columnTop = stackalloc int[Width];
        int offset;
        if (_options.Observation == TetrisObservation.Board)
        {
            for (var x = 0; x < Width; x++)
            {
                var y = 0;
                while (y < Height && observation[y * Width + x] == 0f) y++;
                columnTop[x] = y;
            }
            offset = Width * Height;
        }
        else
        {
            // Heights are stored as h / 20: rounding recovers the integer exactly.
            for (var x = 0; x < Width; x++) columnTop[x] = Height - (int)MathF.Round(observation[x] * Height);
            offset = Width + 3;
        }
        var piece = observation.Slice(offset, 7).IndexOf(1f);
        if (piece < 0)
        {
            mask[..ActionCount].Clear(); // not an observation this environment writes
            return;
        }
        for (var a = 0; a < ActionCount; a++) mask[a] = TetrisBoard.LandingRow((TetrominoKind)piece, a, columnTop) >= 0;
    }

    public StepResult Step(int action, Span<float> observation)
    {
        EnvGuard.Action(action, ActionCount, Id);
        EnvGuard.Observation(observation, ObservationSpace.Size);
        if (!_started || IsGameOver)
            throw new InvalidOperationException("the Tetris episode is over (or never started); call Reset before Step");
        var y = TetrisBoard.LandingRow(CurrentPiece, action, _columnTop);
        if (y < 0) ThrowImpossible(action);

        TetrisBoard.Place(CurrentPiece, action, y, _cells);
        PiecesPlaced++;

        var lines = TetrisBoard.ClearFullRows(_cells);
        _lastLines = lines;
        TotalLinesCleared += lines;
        TetrisBoard.ColumnTops(_cells, _columnTop);

        CurrentPiece = NextPiece;
        NextPiece = Draw();
        IsGameOver = TetrisBoard.EndsGame(CurrentPiece, _cells, _columnTop);

        var reward = _lineRewards[lines] + (IsGameOver ? _options.GameOverReward : _options.PlacementReward);
        WriteObservation(observation);
        return new StepResult(reward, IsGameOver, false, lines);
    }

    public Frame Render() =>
        Frame.FromCells("tetris", Width, Height, (byte[])_cells.Clone(), (string[])FrameNames.Clone(),
            [(double)CurrentPiece, (double)NextPiece, TotalLinesCleared, PiecesPlaced]);

    private TetrominoKind Draw()
    {
        if (_bagIndex == 7)
        {
            for (var i = 0; i < 7; i++) _bag[i] = (TetrominoKind)i;
            for (var i = 6; i > 0; i--)
            {
                var j = _rng.NextInt(i + 1);
                (_bag[i], _bag[j]) = (_bag[j], _bag[i]);
            }
            _bagIndex = 0;
        }
        return _bag[_bagIndex++];
    }

    private void WriteObservation(Span<float> obs)
    {
        if (_options.Observation == TetrisObservation.Placements)
        {
            // After the game ended no placement is possible: every row is an impossible one's, all zeros.
            if (IsGameOver) obs[..PlacementsSize].Clear();
            else PlacementFeatures.Write(_cells, _columnTop, CurrentPiece, NextPiece, _afterCells, _afterColumnTop, obs);
            return;
        }
        obs[..ObservationSpace.Size].Clear();
        int offset;
        if (_options.Observation == TetrisObservation.Board)
        {
            for (var i = 0; i < _cells.Length; i++) obs[i] = _cells[i] != 0 ? 1f : 0f;
            offset = _cells.Length;
        }
        else
        {
            var holes = 0;
            var bumpiness = 0;
            for (var x = 0; x < Width; x++)
            {
                var top = _columnTop[x];
                obs[x] = (Height - top) / (float)Height;
                for (var y = top + 1; y < Height; y++)
                {
                    if (_cells[y * Width + x] == 0) holes++;
                }
                if (x > 0) bumpiness += Math.Abs(_columnTop[x] - _columnTop[x - 1]);
            }
            obs[Width] = holes / 20f;
            obs[Width + 1] = bumpiness / 20f;
            obs[Width + 2] = _lastLines / 4f;
            offset = Width + 3;
        }
        obs[offset + (int)CurrentPiece] = 1f;
        obs[offset + 7 + (int)NextPiece] = 1f;
    }

    private static BoxSpace FeatureSpace()
    {
        var low = new float[FeatureSize];
        var high = new float[FeatureSize];
        Array.Fill(high, 1f);
        high[Width] = (Width * (Height - 1)) / 20f; // at most every cell below a top cell is a hole
        high[Width + 1] = ((Width - 1) * Height) / 20f;
        return new BoxSpace(low, high);
    }

    private static BoxSpace BoardSpace()
    {
        var high = new float[BoardSize];
        Array.Fill(high, 1f);
        return new BoxSpace(new float[BoardSize], high);
    }

    private void ThrowImpossible(int action) =>
        throw new ArgumentException(
            $"{Id} action {action} (rotation {action / Width}, column {action % Width}) is impossible for piece {CurrentPiece} now; " +
            "choose an action whose GetActionMask flag is true");

    // Test hooks: a board drawn as text rows ('#' filled, '.' empty), bottom-aligned, and fixed pieces.
    internal void LoadBoard(params string[] rows)
    {
        if (rows.Length > Height) throw new ArgumentException($"at most {Height} rows");
        Array.Clear(_cells);
        var first = Height - rows.Length;
        for (var r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length != Width) throw new ArgumentException($"row {r} must have {Width} characters");
            for (var x = 0; x < Width; x++)
                _cells[(first + r) * Width + x] = rows[r][x] == '.' ? (byte)0 : (byte)8;
        }
        TetrisBoard.ColumnTops(_cells, _columnTop);
    }

    internal void WriteObservationForTests(Span<float> observation) => WriteObservation(observation);

    internal void SetPieces(TetrominoKind current, TetrominoKind next)
    {
        CurrentPiece = current;
        NextPiece = next;
        IsGameOver = TetrisBoard.EndsGame(current, _cells, _columnTop);
    }
}
