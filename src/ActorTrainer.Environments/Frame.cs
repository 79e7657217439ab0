namespace ActorTrainer.Environments;

/// <summary>
/// A compact drawing of an environment's state for the dashboard's visual mode. Instead of pixels it carries
/// what a web page needs to draw the scene cheaply:
/// <list type="bullet">
/// <item><see cref="FrameKind.State"/>: <see cref="Scene"/> names the picture ("cartpole", "acrobot", "mountaincar")
/// and <see cref="Values"/> the physical state in Gymnasium's order (names in <see cref="Names"/>).</item>
/// <item><see cref="FrameKind.Cells"/>: a <see cref="Width"/> x <see cref="Height"/> grid, row-major with the top row
/// first, one byte per cell (0 empty, 1..7 a colour index); <see cref="Values"/> may carry extras (Tetris: next piece).</item>
/// </list>
/// </summary>
public sealed class Frame
{
    private Frame(string scene, FrameKind kind, int width, int height, byte[] cells, string[] names, double[] values)
    {
        Scene = scene;
        Kind = kind;
        Width = width;
        Height = height;
        Cells = cells;
        Names = names;
        Values = values;
    }

    public string Scene { get; }

    public FrameKind Kind { get; }

    public int Width { get; }

    public int Height { get; }

    public byte[] Cells { get; }

    public IReadOnlyList<string> Names { get; }

    public double[] Values { get; }

    public static Frame FromState(string scene, string[] names, double[] values)
    {
        if (names.Length != values.Length)
            throw new ArgumentException($"{names.Length} names for {values.Length} values; they must match");
        return new Frame(scene, FrameKind.State, 0, 0, [], names, values);
    }

    public static Frame FromCells(string scene, int width, int height, byte[] cells, string[] names, double[] values)
    {
        if (cells.Length != width * height)
            throw new ArgumentException($"a {width}x{height} grid needs {width * height} cells, got {cells.Length}");
        if (names.Length != values.Length)
            throw new ArgumentException($"{names.Length} names for {values.Length} values; they must match");
        return new Frame(scene, FrameKind.Cells, width, height, cells, names, values);
    }
}
