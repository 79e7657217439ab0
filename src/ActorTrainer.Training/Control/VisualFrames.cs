using ActorTrainer.Environments;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Training.Control;

/// <summary>Turns an environment's <see cref="Frame"/> into the dashboard's compact <see cref="VisualFrame"/>.</summary>
public static class VisualFrames
{
    public static VisualFrame From(string env, FrameRendered rendered)
    {
        var frame = rendered.Frame;
        if (frame.Kind == FrameKind.Cells)
            return VisualFrame.FromCells(env, rendered.RunnerId, rendered.Step, frame.Cells, frame.Width, frame.Height);
        var state = new float[frame.Values.Length];
        for (var i = 0; i < state.Length; i++) state[i] = (float)frame.Values[i];
        return VisualFrame.FromState(env, rendered.RunnerId, rendered.Step, state);
    }
}
