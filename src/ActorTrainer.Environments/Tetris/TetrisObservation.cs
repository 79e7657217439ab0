namespace ActorTrainer.Environments.Tetris;

public enum TetrisObservation
{
    /// <summary>27 floats: 10 column heights / 20, holes / 20, bumpiness / 20, lines cleared by the last move / 4,
    /// current piece one-hot (7), next piece one-hot (7).</summary>
    Features,

    /// <summary>214 floats: the 200 board cells (1 filled, 0 empty, top row first), current piece one-hot (7),
    /// next piece one-hot (7).</summary>
    Board,

    /// <summary>760 floats, one row of 19 per action (row-major [40, 19]): features of the board the placement
    /// would leave, all zeros when the placement is impossible. See <see cref="PlacementFeatures"/>.</summary>
    Placements,
}
