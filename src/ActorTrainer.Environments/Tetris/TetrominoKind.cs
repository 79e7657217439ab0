namespace ActorTrainer.Environments.Tetris;

/// <summary>The seven tetrominoes. On the board a piece's cells hold (byte)kind + 1, so 0 means empty.</summary>
public enum TetrominoKind : byte
{
    I,
    O,
    T,
    S,
    Z,
    J,
    L,
}
