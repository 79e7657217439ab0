using ActorTrainer.Cluster.Serialization;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// Puts weights versions back together from their <see cref="WeightsChunk"/>s on a runner node, latest only: it holds
/// at most one version in progress, and a newer version's first chunk drops an incomplete older one. Chunks may arrive
/// in any order. Every chunk is checked against the chunk layout and against the first chunk of its version, and the
/// version's size against <see cref="MaxBytes"/> before its buffer is allocated; a complete version is decoded as
/// strictly as a whole weights message (<see cref="ActorTrainerSerializer.DecodeWeights"/>). Anything that does not fit
/// is dropped and counted in <see cref="Dropped"/>; the caller logs <see cref="WeightsAssemblyStep.Problem"/>.
/// </summary>
public sealed class WeightsAssembler
{
    private byte[] _buffer = [];
    private bool[] _have = [];
    private long _version = -1;
    private int _count;
    private int _total;
    private int _received;
    private long _finished = -1;

    /// <param name="maxBytes">The largest version accepted: a runner node knows its network, so this is its size plus
    /// room for the safetensors header, not the 16 MB any message may have.</param>
    public WeightsAssembler(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxBytes = maxBytes;
    }

    public int MaxBytes { get; }

    /// <summary>Chunks and versions dropped so far (stale, malformed, or incomplete when a newer version began).</summary>
    public long Dropped { get; private set; }

    /// <summary>Whether a version is partly here.</summary>
    public bool InProgress => _version >= 0;

    public WeightsAssemblyStep Add(WeightsChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var layout = ActorTrainerSerializer.WeightsChunkProblem(chunk.Version, chunk.TotalBytes, chunk.Count, chunk.Index, chunk.Data.Length, MaxBytes);
        if (layout is not null)
        {
            // A malformed chunk spoils its version (the rest of it is dropped as stale), and, being newer, any older one.
            if (chunk.Version > _finished && chunk.Version >= _version)
            {
                if (_version >= 0 && _version < chunk.Version) Dropped++;
                _version = chunk.Version;
                return Fail($"weights version {chunk.Version}: {layout}");
            }
            Dropped++;
            return new WeightsAssemblyStep(null, $"stale weights chunk dropped: {layout}", null);
        }
        if (chunk.Version <= _finished || chunk.Version < _version)
        {
            Dropped++;
            return new WeightsAssemblyStep(null, $"chunk {chunk.Index} of weights version {chunk.Version} arrived after version {Math.Max(_finished, _version)}: dropped as stale", null);
        }

        string? superseded = null;
        if (chunk.Version > _version)
        {
            if (_version >= 0)
            {
                Dropped++;
                superseded = $"weights version {_version} was incomplete ({_received} of {_count} chunks) when version {chunk.Version} began: dropped";
            }
            Start(chunk);
        }
        else if (chunk.Count != _count || chunk.TotalBytes != _total)
        {
            return Fail($"weights version {chunk.Version}: chunk {chunk.Index} says {chunk.Count} chunks of {chunk.TotalBytes} bytes, its first chunk said {_count} of {_total}");
        }
        else if (_have[chunk.Index])
        {
            return Fail($"weights version {chunk.Version}: chunk {chunk.Index} arrived twice");
        }

        chunk.Data.Span.CopyTo(_buffer.AsSpan(chunk.Index * WeightsChunks.ChunkBytes));
        _have[chunk.Index] = true;
        _received++;
        if (_received < _count) return new WeightsAssemblyStep(null, superseded, null);

        var version = _version;
        _finished = version;
        _version = -1;
        try
        {
            // The snapshot copies the parameters out, so the buffer is free for the next version of the same size.
            var snapshot = ActorTrainerSerializer.DecodeWeights(_buffer.AsSpan(0, _total), version);
            return new WeightsAssemblyStep(new WeightsUpdated(version, snapshot), superseded, null);
        }
        catch (MalformedMessageException e)
        {
            Dropped++;
            return new WeightsAssemblyStep(null, $"weights version {version}: {e.Message}", version);
        }
    }

    private void Start(WeightsChunk chunk)
    {
        _version = chunk.Version;
        _count = chunk.Count;
        _total = chunk.TotalBytes;
        _received = 0;
        // One buffer reused while the network keeps its size: versions of the same run never make a new one.
        if (_buffer.Length != _total) _buffer = new byte[_total];
        if (_have.Length != _count) _have = new bool[_count];
        else Array.Clear(_have);
    }

    private WeightsAssemblyStep Fail(string problem)
    {
        var version = _version;
        _finished = Math.Max(_finished, version);
        _version = -1;
        Dropped++;
        return new WeightsAssemblyStep(null, problem + "; the version is dropped", version);
    }
}
