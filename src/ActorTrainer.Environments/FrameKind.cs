namespace ActorTrainer.Environments;

public enum FrameKind
{
    /// <summary>The frame carries named physical state values; the page draws the scene from them.</summary>
    State,

    /// <summary>The frame carries a grid of cells, one byte per cell (0 = empty, other values = colour index).</summary>
    Cells,
}
