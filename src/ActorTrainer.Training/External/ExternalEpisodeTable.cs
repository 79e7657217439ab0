using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Exploration;

namespace ActorTrainer.Training.External;

/// <summary>
/// The open external episodes of a run and everything the API does with them. Thread-safe: API calls come from any
/// request thread (each episode has its own lock; acting is batched by <see cref="BatchedPolicy"/>), while the
/// <see cref="ExternalEpisodes"/> actor calls <see cref="Collect"/> to take the finalized transitions. Every refusal is
/// a <see cref="StepLogResult"/> naming the field and what is allowed, never an exception.
/// </summary>
public sealed class ExternalEpisodeTable
{
    private static readonly TimeSpan FirstWeightsWait = TimeSpan.FromSeconds(30);

    private readonly TrainingConfig _config;
    private readonly NetworkSpec _spec;
    private readonly Func<double> _clock;
    private readonly ConcurrentDictionary<string, Episode> _episodes = new(StringComparer.Ordinal);
    private readonly EndedEpisodeIds _ended = new(4096);
    private readonly TaskCompletionSource _firstWeights = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _evalGate = new();
    // Reused act requests (each with its own buffers): an act allocates neither a request nor a task.
    private readonly ConcurrentQueue<ActRequest> _requests = new();
    private volatile WeightsSnapshot? _latest;
    private WeightsSnapshot? _pinnedForGreedy;
    private int _openGreedy;
    private int _open;
    private long _serial;
    private long _acts;
    private long _loggedActions;
    private long _droppedOfRemoved;
    private volatile string? _closedReason;

    /// <param name="clock">Seconds on a monotonic clock; tests pass their own.</param>
    public ExternalEpisodeTable(TrainingConfig config, NetworkSpec spec, IActionGate? gate, Func<double>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(spec);
        _config = config;
        _spec = spec;
        Gate = gate;
        var stopwatch = Stopwatch.StartNew();
        _clock = clock ?? (() => stopwatch.Elapsed.TotalSeconds);
        Policy = new BatchedPolicy(spec, maxBatch: Math.Max(1, Math.Min(config.MaxExternalEpisodes, 1024)), gate, unchecked(config.Seed * 31 + 17));
    }

    public int ObservationSize => _spec.ObservationSize;
    public int ActionCount => _spec.ActionCount;
    public TrainingConfig Config => _config;
    public IActionGate? Gate { get; }
    public BatchedPolicy Policy { get; }

    /// <summary>Env slots of the Ape-X ε ladder that training episodes take turns on (set from PoolJoined).</summary>
    public int LadderSize { get; set; } = 8;

    /// <summary>Episodes not yet ended.</summary>
    public int Open => Volatile.Read(ref _open);

    public long Acts => Interlocked.Read(ref _acts);

    /// <summary>Steps taken: acts plus logged actions.</summary>
    public long Steps => Interlocked.Read(ref _acts) + Interlocked.Read(ref _loggedActions);

    public long? WeightsVersion => _latest?.Version;

    /// <summary>New weights: a reference swap; acting picks them up on its next pass.</summary>
    public void PublishWeights(WeightsSnapshot weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (_latest is { } current && weights.Version <= current.Version) return;
        _latest = weights;
        _firstWeights.TrySetResult();
    }

    /// <summary>Refuses every further call with <paramref name="reason"/> (the run is stopping).</summary>
    public void Close(string reason) => _closedReason = reason;

    public bool IsClosed => _closedReason is not null;

    public StepLogResult Start(bool training, out string id)
    {
        id = "";
        if (_closedReason is { } why) return Unavailable(why);
        if (Interlocked.Increment(ref _open) > _config.MaxExternalEpisodes)
        {
            Interlocked.Decrement(ref _open);
            return StepLogResult.Fail(ExternalErrorKind.TooMany, "max-external-episodes",
                $"{_config.MaxExternalEpisodes} episodes are open, the most max-external-episodes allows; end one first");
        }
        var serial = Interlocked.Increment(ref _serial);
        id = $"{serial:x}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var epsilon = training ? ApexEpsilon.For((int)((serial - 1) % LadderSize), LadderSize, _config.EpsilonBase, _config.EpsilonAlpha) : 0;
        var episode = new Episode(id, training, epsilon, new ExternalStepLog(_spec.ObservationSize, _config.NSteps, _config.Gamma,
            _config.MaxRewardDelay, _config.MaxPendingSteps, Gate is null ? 0 : _config.GateRewardWeight), _clock());
        if (!training) PinGreedy(episode);
        _episodes[id] = episode;
        return StepLogResult.Success(serial);
    }

    /// <summary>Chooses an action for <paramref name="observation"/> and records the step.</summary>
    public ValueTask<ActOutcome> ActAsync(string id, float[] observation, bool[]? mask) =>
        ActAsync(id, observation.AsMemory(), mask is null ? (ReadOnlyMemory<bool>?)null : mask.AsMemory());

    /// <summary>
    /// Chooses an action for <paramref name="observation"/> and records the step. The inputs are copied before the
    /// first await, so the caller may reuse its buffers once this returns (even while the task is pending).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ActOutcome> ActAsync(string id, ReadOnlyMemory<float> observation, ReadOnlyMemory<bool>? mask)
    {
        if (!_episodes.TryGetValue(id, out var ep)) return new ActOutcome(Missing(id));
        if (_closedReason is { } why) return new ActOutcome(Unavailable(why));
        if (CheckObservation(observation.Span, "observation") is { } bad) return new ActOutcome(bad);
        if (mask is { } m)
        {
            if (m.Length != _spec.ActionCount)
                return new ActOutcome(Invalid("action_mask", $"action_mask must have {_spec.ActionCount} values (one per action), got {m.Length}"));
            if (m.Span.IndexOf(true) < 0)
                return new ActOutcome(Invalid("action_mask", "action_mask must allow at least one action (a true value)"));
        }
        lock (ep.Gate)
        {
            if (ep.Log.Ended) return new ActOutcome(Ended(ep));
        }

        var request = _requests.TryDequeue(out var pooled) ? pooled : new ActRequest(_spec.ObservationSize, _spec.ActionCount);
        try
        {
            var weights = ep.Training ? _latest : ep.Pinned;
            // The inputs go into the request's own buffers before any await: the caller's are only promised until then.
            request.Prepare(observation.Span, mask is { } given ? given.Span : default, mask is not null, ep.Epsilon, weights!);
            if (weights is null)
            {
                try { await _firstWeights.Task.WaitAsync(FirstWeightsWait).ConfigureAwait(false); }
                catch (TimeoutException) { return new ActOutcome(Unavailable($"no weights yet after {FirstWeightsWait.TotalSeconds:F0} s: the learner has not published any")); }
                weights = ep.Training ? _latest! : PinLate(ep);
                request.UseWeights(weights);
            }
            var answered = await Policy.ChooseAsync(request).ConfigureAwait(false);
            long step;
            lock (ep.Gate)
            {
                if (ep.Log.Ended) return new ActOutcome(Ended(ep));
                step = ep.Log.Add(answered.Observation, answered.Action, _clock(), answered.ExpectedReward);
                ep.LastActivity = _clock();
                ep.WeightsVersion = weights.Version;
            }
            Interlocked.Increment(ref _acts);
            return new ActOutcome(StepLogResult.Success(step), answered.Action, weights.Version);
        }
        finally
        {
            request.Release();
            _requests.Enqueue(request);
        }
    }

    public StepLogResult LogReturns(string id, double reward, long? step)
    {
        if (!_episodes.TryGetValue(id, out var ep)) return Missing(id);
        if (!double.IsFinite(reward)) return Invalid("reward", $"reward must be a finite number, got {reward}");
        lock (ep.Gate)
        {
            var r = ep.Log.LogReward(reward, step);
            if (r.Ok) ep.LastActivity = _clock();
            return r;
        }
    }

    /// <summary>Records an action the game chose itself (off-policy data); returns the step index.</summary>
    public StepLogResult LogAction(string id, ReadOnlySpan<float> observation, int action)
    {
        if (!_episodes.TryGetValue(id, out var ep)) return Missing(id);
        if (_closedReason is { } why) return Unavailable(why);
        if (CheckObservation(observation, "observation") is { } bad) return bad;
        if ((uint)action >= (uint)_spec.ActionCount) return Invalid("action", $"action must be between 0 and {_spec.ActionCount - 1}, got {action}");
        lock (ep.Gate)
        {
            if (ep.Log.Ended) return Ended(ep);
            var step = ep.Log.Add(observation, action, _clock());
            ep.LastActivity = _clock();
            Interlocked.Increment(ref _loggedActions);
            return StepLogResult.Success(step);
        }
    }

    /// <summary>Ends an episode; its steps stay open for rewards until max-reward-delay has passed. Returns the return so far.</summary>
    public StepLogResult End(string id, ReadOnlySpan<float> observation, bool terminated)
    {
        if (!_episodes.TryGetValue(id, out var ep)) return Missing(id);
        if (CheckObservation(observation, "observation") is { } bad) return bad;
        lock (ep.Gate)
        {
            if (ep.Log.Ended) return Ended(ep);
            ep.Log.End(observation, terminated);
            ep.LastActivity = _clock();
            EndedOne(ep);
            return StepLogResult.Success(ep.Log.StepCount, ep.Log.Return);
        }
    }

    /// <summary>
    /// The actor's side: ends episodes idle longer than external-episode-timeout (as truncated, data kept), passes every
    /// transition of a training episode whose window is complete to <paramref name="sink"/>, and moves episodes with
    /// nothing left to do to <paramref name="finished"/>. <paramref name="force"/> makes every step final (stop).
    /// </summary>
    public ExternalCounters Collect(ITransitionSink sink, List<FinishedEpisode> finished, bool force = false)
    {
        var now = _clock();
        long pending = 0, dropped = _droppedOfRemoved, emitted = 0;
        foreach (var (id, ep) in _episodes)
        {
            lock (ep.Gate)
            {
                if (!ep.Log.Ended && (force || now - ep.LastActivity > _config.ExternalEpisodeTimeout))
                {
                    ep.Expired = !force;
                    ep.Log.Expire();
                    EndedOne(ep);
                }
                emitted += ep.Log.Collect(now, ep.Training ? sink : DiscardingSink.Instance, force);
                pending += ep.Log.Pending;
                dropped += ep.Log.Dropped;
                if (!ep.Log.Finished) continue;
                _episodes.TryRemove(id, out _);
                _ended.Add(id, ep.Expired);
                _droppedOfRemoved += ep.Log.Dropped;
                finished.Add(new FinishedEpisode(ep.Training, ep.Log.Return, (int)ep.Log.StepCount, ep.WeightsVersion, ep.Training ? null : ep.Pinned));
            }
        }
        return new ExternalCounters(Open, Steps, Acts, pending, dropped, emitted, Policy.Agreement.Rate, Policy.Agreement.Checked, Gate is not null);
    }

    private void EndedOne(Episode ep)
    {
        Interlocked.Decrement(ref _open);
        if (ep.Training) return;
        lock (_evalGate) _openGreedy--;
    }

    // Greedy episodes that overlap share one snapshot, so a group of them started together is an evaluation of one
    // set of weights (best/ can then hold exactly the weights that scored).
    private void PinGreedy(Episode ep)
    {
        lock (_evalGate)
        {
            if (_openGreedy == 0 || _pinnedForGreedy is null) _pinnedForGreedy = _latest;
            _openGreedy++;
            ep.Pinned = _pinnedForGreedy;
        }
    }

    private WeightsSnapshot PinLate(Episode ep)
    {
        lock (_evalGate)
        {
            _pinnedForGreedy ??= _latest;
            return ep.Pinned ??= _pinnedForGreedy!;
        }
    }

    private StepLogResult? CheckObservation(ReadOnlySpan<float> observation, string field)
    {
        if (observation.Length != _spec.ObservationSize)
            return Invalid(field, $"{field} must have {_spec.ObservationSize} values, got {observation.Length}");
        for (var i = 0; i < observation.Length; i++)
            if (!float.IsFinite(observation[i]))
                return Invalid(field, $"{field}[{i}] is {observation[i]}; values must be finite numbers (no NaN or infinity)");
        return null;
    }

    private static StepLogResult Invalid(string field, string message) => StepLogResult.Fail(ExternalErrorKind.InvalidArgument, field, message);

    // An episode collected a moment ago has ended rather than being unknown: every call on it is a 409.
    private StepLogResult Missing(string id) => _ended.TryGet(id, out var expired)
        ? StepLogResult.Fail(ExternalErrorKind.Conflict, "id",
            $"episode '{id}' has ended{(expired ? $" (idle longer than external-episode-timeout, {_config.ExternalEpisodeTimeout:0.###} s)" : "")} and all its steps are final; start a new one with POST /api/external/episodes")
        : UnknownEpisode(id);

    private static StepLogResult UnknownEpisode(string id) =>
        StepLogResult.Fail(ExternalErrorKind.UnknownEpisode, "id", $"no open episode '{id}'; start one with POST /api/external/episodes (episodes end, and expire after external-episode-timeout)");

    private static StepLogResult Ended(Episode ep) =>
        StepLogResult.Fail(ExternalErrorKind.Conflict, "id", $"episode '{ep.Id}' has ended; start a new one with POST /api/external/episodes");

    private static StepLogResult Unavailable(string why) => StepLogResult.Fail(ExternalErrorKind.Unavailable, "run", why);

    private sealed class Episode(string id, bool training, double epsilon, ExternalStepLog log, double now)
    {
        public string Id { get; } = id;
        public bool Training { get; } = training;
        public double Epsilon { get; } = epsilon;
        public ExternalStepLog Log { get; } = log;
        public Lock Gate { get; } = new();
        public double LastActivity { get; set; } = now;
        public long WeightsVersion { get; set; } = -1;
        public WeightsSnapshot? Pinned { get; set; }
        public bool Expired { get; set; }
    }

    private sealed class DiscardingSink : ITransitionSink
    {
        public static readonly DiscardingSink Instance = new();

        public void Add(in NStepTransition t) { }
    }
}

/// <summary>The answer to an act: the action, its step index (in <see cref="Result"/>.Value) and the weights version it came from.</summary>
public readonly record struct ActOutcome(StepLogResult Result, int Action = 0, long WeightsVersion = 0);

/// <summary>An episode with nothing left to do: ended, every step final.</summary>
/// <param name="Weights">For a greedy episode, the weights it acted with (an evaluation of exactly these).</param>
public sealed record FinishedEpisode(bool Training, double Return, int Length, long WeightsVersion, WeightsSnapshot? Weights);

/// <summary>Counters of the external episodes, as of the last collect.</summary>
/// <param name="Gate">Whether the run has an action gate.</param>
public sealed record ExternalCounters(int OpenEpisodes, long Steps, long Acts, long PendingSteps, long DroppedSteps, long EmittedTransitions,
    double? GateAgreementRate, long GateChecks, bool Gate = false);
