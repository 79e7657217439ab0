using System.Collections.Concurrent;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.External;

/// <summary>
/// Chooses actions for many concurrent external episodes with one forward pass per batch. Callers queue a request;
/// whichever caller finds no batch running becomes the batcher and runs the queue (up to <c>maxBatch</c> a pass)
/// until it is empty, so requests that arrive during a pass ride the next one. No timer, no extra thread: a single
/// caller pays one forward pass, many callers share them. The gate is consulted by the batcher only, so it is
/// called from one thread at a time. Weights are whatever snapshot each request carries (new weights are a reference
/// swap elsewhere and never wait for acting, nor acting for training).
/// </summary>
public sealed class BatchedPolicy
{
    private readonly NetworkSpec _spec;
    private readonly int _maxBatch;
    private readonly IActionGate? _gate;
    private readonly ConcurrentQueue<ActRequest> _queue = new();
    private readonly Slot[] _slots;
    private readonly ActRequest[] _batch;
    private readonly float[] _inputs;
    private readonly float[] _q;
    private readonly int[] _order;
    private readonly float[] _orderKeys;
    private readonly Random _random;
    private int _busy;
    private long _passes;
    private long _requests;

    public BatchedPolicy(NetworkSpec spec, int maxBatch, IActionGate? gate, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _spec = spec;
        _maxBatch = maxBatch;
        _gate = gate;
        // Two networks: the latest weights for training episodes and the pinned ones of greedy (evaluation) episodes.
        _slots = [new Slot(spec, maxBatch), new Slot(spec, maxBatch)];
        _batch = new ActRequest[maxBatch];
        _inputs = new float[maxBatch * spec.ObservationSize];
        _q = new float[maxBatch * spec.ActionCount];
        _order = new int[spec.ActionCount];
        _orderKeys = new float[spec.ActionCount];
        _random = new Random(seed);
    }

    /// <summary>How often the gate allowed the proposed action.</summary>
    public GateAgreement Agreement { get; } = new();

    /// <summary>Forward passes run so far; with <see cref="Requests"/>, the mean batch size.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Chooses the action for <paramref name="request"/>, batched with whatever else is waiting.</summary>
    public ValueTask<ActRequest> ChooseAsync(ActRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var completion = request.Completion;
        _queue.Enqueue(request);
        while (Interlocked.CompareExchange(ref _busy, 1, 0) == 0)
        {
            try
            {
                while (!_queue.IsEmpty) RunOnePass();
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
            // A request queued after the last check but before the release would wait for the next caller: look again.
            if (_queue.IsEmpty) break;
        }
        return completion;
    }

    private void RunOnePass()
    {
        var count = 0;
        while (count < _maxBatch && _queue.TryDequeue(out var r)) _batch[count++] = r;
        if (count == 0) return;
        try
        {
            // Requests of one pass carry at most a few distinct snapshots (latest, pinned for evaluation); run each group.
            var done = 0;
            while (done < count)
            {
                var weights = _batch[done].Weights;
                var groupEnd = done;
                // Bring the requests with these weights together at [done, groupEnd).
                for (var i = done; i < count; i++)
                {
                    if (!ReferenceEquals(_batch[i].Weights, weights) && _batch[i].Weights.Version != weights.Version) continue;
                    (_batch[groupEnd], _batch[i]) = (_batch[i], _batch[groupEnd]);
                    groupEnd++;
                }
                RunGroup(weights, done, groupEnd - done);
                done = groupEnd;
            }
            Interlocked.Increment(ref _passes);
            Interlocked.Add(ref _requests, count);
        }
        catch (Exception ex)
        {
            // Nothing has been answered yet (answers go out below, after every group ran): fail them all.
            for (var i = 0; i < count; i++) _batch[i].Fail(ex);
            Array.Clear(_batch, 0, count);
            return;
        }
        // A caller may reuse its request as soon as it is answered, so the batch lets go of each one first.
        for (var i = 0; i < count; i++)
        {
            var r = _batch[i];
            _batch[i] = null!;
            r.Complete();
        }
    }

    private void RunGroup(WeightsSnapshot weights, int start, int count)
    {
        var network = NetworkFor(weights);
        var o = _spec.ObservationSize;
        var a = _spec.ActionCount;
        for (var i = 0; i < count; i++) _batch[start + i].Observation.AsSpan(0, o).CopyTo(_inputs.AsSpan(i * o, o));
        network.Network.ForwardBatch(_inputs, count, network.Workspace, _q);
        for (var i = 0; i < count; i++)
        {
            var r = _batch[start + i];
            var q = _q.AsSpan(i * a, a);
            var proposed = r.Epsilon > 0 && _random.NextDouble() < r.Epsilon ? RandomAllowed(r.Mask, a) : QNetwork.ArgmaxOf(q, r.Mask);
            r.Action = proposed;
            if (_gate is not null) ApplyGate(r, q, proposed);
        }
    }

    private void ApplyGate(ActRequest r, ReadOnlySpan<float> q, int proposed)
    {
        var verdict = _gate!.Check(r.Observation, proposed);
        Agreement.Record(verdict.Allowed);
        if (verdict.Allowed)
        {
            r.ExpectedReward = verdict.ExpectedReward;
            return;
        }
        // Vetoed: the best allowed action by Q-value, skipping what the mask forbids.
        var a = q.Length;
        for (var i = 0; i < a; i++)
        {
            _order[i] = i;
            _orderKeys[i] = -q[i];
        }
        Array.Sort(_orderKeys, _order, 0, a);
        for (var k = 0; k < a; k++)
        {
            var candidate = _order[k];
            if (candidate == proposed || (r.Mask is { } m && !m[candidate])) continue;
            var v = _gate.Check(r.Observation, candidate);
            if (!v.Allowed) continue;
            r.Action = candidate;
            r.ExpectedReward = v.ExpectedReward;
            return;
        }
        // The gate allows nothing the mask allows: keep the policy's choice rather than invent one; the
        // disagreement is already counted.
        r.ExpectedReward = verdict.ExpectedReward;
    }

    private int RandomAllowed(bool[]? mask, int actionCount)
    {
        if (mask is null) return _random.Next(actionCount);
        var allowed = 0;
        foreach (var m in mask) if (m) allowed++;
        var pick = _random.Next(allowed);
        for (var i = 0; i < actionCount; i++)
            if (mask[i] && pick-- == 0) return i;
        return 0;
    }

    private Slot NetworkFor(WeightsSnapshot weights)
    {
        foreach (var s in _slots)
            if (s.Version == weights.Version) { s.LastUsed = _passes; return s; }
        // Replace the least recently used network.
        var victim = _slots[0].LastUsed <= _slots[1].LastUsed ? _slots[0] : _slots[1];
        victim.Network.CopyFrom(weights);
        victim.Version = weights.Version;
        victim.LastUsed = _passes;
        return victim;
    }

    private sealed class Slot(NetworkSpec spec, int maxBatch)
    {
        public QNetwork Network { get; } = new(spec);
        public QNetworkWorkspace Workspace { get; } = new(spec, maxBatch);
        public long Version { get; set; } = long.MinValue;
        public long LastUsed { get; set; } = -1;
    }
}
