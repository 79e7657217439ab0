namespace ActorTrainer.Environments.Tetris;

/// <summary>
/// The pieces' shapes in each of four clockwise rotations, normalised so the bounding box starts at (0, 0)
/// with y growing downwards. Rotation 0 is the SRS spawn orientation (T, J, L point their flat side down).
/// </summary>
internal static class Tetrominoes
{
    public const int Rotations = 4;

    private static readonly (int X, int Y)[][] Spawn =
    [
        [(0, 0), (1, 0), (2, 0), (3, 0)], // I
        [(0, 0), (1, 0), (0, 1), (1, 1)], // O
        [(1, 0), (0, 1), (1, 1), (2, 1)], // T
        [(1, 0), (2, 0), (0, 1), (1, 1)], // S
        [(0, 0), (1, 0), (1, 1), (2, 1)], // Z
        [(0, 0), (0, 1), (1, 1), (2, 1)], // J
        [(2, 0), (0, 1), (1, 1), (2, 1)], // L
    ];

    // [kind * 4 + rotation]
    private static readonly Shape[] Shapes = Build();
    private static readonly int[] FirstAlike = BuildFirstAlike();

    public static Shape Get(TetrominoKind kind, int rotation) => Shapes[(int)kind * Rotations + rotation];

    /// <summary>
    /// The lowest rotation of <paramref name="kind"/> with the same shape as <paramref name="rotation"/> (O's four
    /// rotations are one shape; I's, S's and Z's are two): placements with alike rotations land and leave the same board.
    /// </summary>
    public static int FirstRotationAlike(TetrominoKind kind, int rotation) => FirstAlike[(int)kind * Rotations + rotation];

    private static int[] BuildFirstAlike()
    {
        var first = new int[7 * Rotations];
        for (var k = 0; k < 7; k++)
        {
            for (var r = 0; r < Rotations; r++)
            {
                // Normalised cells are sorted, so equal shapes have equal cell sequences.
                var alike = 0;
                while (!Shapes[k * Rotations + alike].Cells.SequenceEqual(Shapes[k * Rotations + r].Cells)) alike++;
                first[k * Rotations + r] = alike;
            }
        }
        return first;
    }

    private static Shape[] Build()
    {
        var result = new Shape[7 * Rotations];
        for (var k = 0; k < 7; k++)
        {
            var cells = Spawn[k];
            for (var r = 0; r < Rotations; r++)
            {
                result[k * Rotations + r] = Shape.Normalised(cells);
                // Clockwise on screen (y down): right (1,0) turns to down (0,1).
                cells = cells.Select(c => (-c.Y, c.X)).ToArray();
            }
        }
        return result;
    }

    internal sealed class Shape
    {
        private Shape((int X, int Y)[] cells, int width, int height, int[] bottom)
        {
            Cells = cells;
            Width = width;
            Height = height;
            Bottom = bottom;
        }

        public (int X, int Y)[] Cells { get; }

        public int Width { get; }

        public int Height { get; }

        /// <summary>Per column of the bounding box, the lowest cell's y: what lands first when dropping.</summary>
        public int[] Bottom { get; }

        public static Shape Normalised((int X, int Y)[] raw)
        {
            var minX = raw.Min(c => c.X);
            var minY = raw.Min(c => c.Y);
            var cells = raw.Select(c => (c.X - minX, c.Y - minY)).OrderBy(c => c.Item2).ThenBy(c => c.Item1).ToArray();
            var width = cells.Max(c => c.Item1) + 1;
            var height = cells.Max(c => c.Item2) + 1;
            var bottom = new int[width];
            Array.Fill(bottom, -1);
            foreach (var (x, y) in cells) bottom[x] = Math.Max(bottom[x], y);
            return new Shape(cells, width, height, bottom);
        }
    }
}
