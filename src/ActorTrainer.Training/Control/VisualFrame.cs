namespace ActorTrainer.Training.Control;

/// <summary>
/// One drawable frame of the watched runner: either a small float state (classic control) or a grid of cells
/// (Tetris). Compact on purpose: the dashboard draws from the physics state instead of shipping pixels.
/// </summary>
/// <remarks>
/// <see cref="State"/> layouts: CartPole [x, x_dot, theta, theta_dot]; Acrobot [theta1, theta2, dtheta1, dtheta2];
/// MountainCar [position, velocity]. <see cref="Cells"/>: <see cref="Width"/> x <see cref="Height"/> bytes,
/// row-major from the top row, 0 empty, 1..7 the piece kind (Tetris: 10 x 20).
/// The arrays are owned by the frame once it is published: the producer must not reuse them.
/// </remarks>
public sealed record VisualFrame
{
    /// <summary>Environment id, e.g. "CartPole-v1" or "Tetris"; the page picks the drawing from it.</summary>
    public string Env { get; }

    public int RunnerId { get; }

    /// <summary>Monotonically increasing per runner (its env step count); a client can see skipped frames from it.</summary>
    public long Sequence { get; }

    /// <summary>Classic-control state, or null for a cell frame.</summary>
    public float[]? State { get; }

    /// <summary>Cell grid, or null for a state frame.</summary>
    public byte[]? Cells { get; }

    public int Width { get; }
    public int Height { get; }

    private VisualFrame(string env, int runnerId, long sequence, float[]? state, byte[]? cells, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(env);
        ArgumentOutOfRangeException.ThrowIfNegative(runnerId);
        Env = env;
        RunnerId = runnerId;
        Sequence = sequence;
        State = state;
        Cells = cells;
        Width = width;
        Height = height;
    }

    /// <summary>A classic-control frame (CartPole, Acrobot, MountainCar).</summary>
    public static VisualFrame FromState(string env, int runnerId, long sequence, float[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length is 0 or > 64)
            throw new ArgumentException($"state must have 1..64 values, got {state.Length}", nameof(state));
        return new VisualFrame(env, runnerId, sequence, state, null, 0, 0);
    }

    /// <summary>A grid frame (Tetris): <paramref name="cells"/> holds width*height bytes, row-major from the top.</summary>
    public static VisualFrame FromCells(string env, int runnerId, long sequence, byte[] cells, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (width is < 1 or > 255 || height is < 1 or > 255)
            throw new ArgumentOutOfRangeException(nameof(width), $"width and height must be 1..255, got {width} x {height}");
        if (cells.Length != width * height)
            throw new ArgumentException($"cells must hold width*height = {width * height} bytes, got {cells.Length}", nameof(cells));
        return new VisualFrame(env, runnerId, sequence, null, cells, width, height);
    }
}
