using ActorTrainer.Environments;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Environments;

/// <summary>
/// Random-policy stepping. Scalar: 1024 steps of one registry-made env (time limit included, reset when done);
/// Vector64: 16 steps of a 64-env vector (1024 transitions). Reported times are per transition. Run:
/// dotnet run -c Release --project tests/ActorTrainer.Benchmarks -- --filter '*EnvironmentStep*'
/// </summary>
[MemoryDiagnoser]
public class EnvironmentStepBenchmarks
{
    private const int Steps = 1024;

    private IEnvironment _env = null!;
    private float[] _obs = null!;
    private bool[] _mask = null!;
    private VectorEnvironment _vec = null!;
    private VectorStepBuffers _buffers = null!;
    private int[] _actions = null!;
    private Xoshiro256 _rng = new(1);

    [Params("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Tetris-v0")]
    public string Id { get; set; } = "CartPole-v1";

    [GlobalSetup]
    public void Setup()
    {
        _env = EnvironmentRegistry.Default.Make(Id);
        _obs = new float[_env.ObservationSpace.Size];
        _mask = new bool[_env.ActionSpace.N];
        _env.Reset(0, _obs);
        _vec = VectorEnvironment.Make(EnvironmentRegistry.Default, Id, 64);
        _buffers = _vec.CreateBuffers();
        _actions = new int[64];
        _vec.Reset(0, _buffers.Observations);
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public void Scalar()
    {
        var n = _env.ActionSpace.N;
        for (var i = 0; i < Steps; i++)
        {
            int a;
            if (_env.HasActionMask)
            {
                _env.GetActionMask(_mask);
                do a = _rng.NextInt(n); while (!_mask[a]);
            }
            else
            {
                a = _rng.NextInt(n);
            }
            if (_env.Step(a, _obs).Done) _env.Reset(null, _obs);
        }
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public void Vector64()
    {
        var n = _vec.ActionSpace.N;
        for (var t = 0; t < Steps / 64; t++)
        {
            if (_vec.HasActionMask) _vec.GetActionMasks(_buffers.ActionMasks);
            for (var i = 0; i < 64; i++)
            {
                int a;
                do a = _rng.NextInt(n); while (_vec.HasActionMask && !_buffers.ActionMasks[i * n + a]);
                _actions[i] = a;
            }
            _vec.Step(_actions, _buffers);
        }
    }
}
