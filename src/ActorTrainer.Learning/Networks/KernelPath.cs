namespace ActorTrainer.Learning.Networks;

/// <summary>Which family of kernels the learning core runs: 512-bit, 256-bit, or plain scalar loops.</summary>
internal enum KernelPath
{
    Scalar,
    Vector256,
    Vector512,
}
