namespace ActorTrainer.Learning.Optimization;

/// <summary>Loss on TD errors: Huber (smooth L1, PyTorch's huber_loss) or squared error (PyTorch's mse_loss).</summary>
public enum LossKind
{
    Huber,
    SquaredError,
}
