using ActorTrainer.Actors;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// A runner node's account of experience credits: how many of its batches were acknowledged to its runners but not yet
/// credited back by the learner's replay (<see cref="Outstanding"/>). While that is below <see cref="Window"/> a batch's
/// <see cref="ExperienceAck"/> goes to its runner at once; beyond it the ack waits, first in first out, until credits
/// arrive. So the replay's samples-per-insert limit reaches the runners across the broker, and what sits between them and
/// the replay is a few batches per runner rather than whatever the experience queue can hold.
/// <para>
/// Credits can be lost (a broker restart drops queued batches and credits alike; a new learner never saw the old one's
/// batches), so the account can be reset: by the node when a different learner welcomes it, and by
/// <see cref="ResetIfStalled"/> when acks have waited long without any credit while the broker holds every publish.
/// </para>
/// Thread-safe: batches come from several runner threads, credits from the node's agent, confirms from publish
/// continuations. A lock is plenty at a few hundred batches a second.
/// </summary>
internal sealed class ExperienceCredits
{
    private readonly Lock _gate = new();
    private readonly Queue<(IActorRef? Runner, int Count)> _deferred = new();
    private readonly IActorRef _acksFrom;
    private readonly Func<long> _clockMs;
    private int _outstanding;
    private int _unconfirmed;
    private long _waitingSince;
    private bool _stalled;

    /// <param name="window">Batches that may be acknowledged to runners before the learner credits any back.</param>
    /// <param name="acksFrom">The sender of the acks (the replay as the runners see it).</param>
    /// <param name="clockMs">Milliseconds from any fixed origin; tests pass their own.</param>
    public ExperienceCredits(int window, IActorRef acksFrom, Func<long>? clockMs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        Window = window;
        _acksFrom = acksFrom;
        _clockMs = clockMs ?? (static () => Environment.TickCount64);
    }

    public int Window { get; }

    /// <summary>Batches acknowledged to runners and not yet credited back.</summary>
    public int Outstanding
    {
        get { lock (_gate) return _outstanding; }
    }

    /// <summary>Acks waiting for credits.</summary>
    public int Deferred
    {
        get { lock (_gate) return _deferred.Count; }
    }

    /// <summary>Publishes the broker has not confirmed (or refused for good) yet.</summary>
    public int Unconfirmed
    {
        get { lock (_gate) return _unconfirmed; }
    }

    /// <summary>A batch of <paramref name="count"/> transitions goes to the broker: its runner's ack now, or when a credit frees the window.</summary>
    public void Submit(IActorRef? runner, int count)
    {
        lock (_gate)
        {
            _unconfirmed++;
            if (_deferred.Count == 0 && _outstanding < Window)
            {
                _outstanding++;
                runner?.Tell(new ExperienceAck(count), _acksFrom);
                return;
            }
            // The wait for a credit starts now, not at the last credit: a node that was idle for a minute is not stalled.
            if (_deferred.Count == 0) _waitingSince = _clockMs();
            _deferred.Enqueue((runner, count));
        }
    }

    /// <summary>The broker took one of this node's batches.</summary>
    public void Confirmed()
    {
        lock (_gate) _unconfirmed = Math.Max(0, _unconfirmed - 1);
    }

    /// <summary>A publish failed for good: the batch never reaches the learner, so no credit will come for it; it returns its own.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _unconfirmed = Math.Max(0, _unconfirmed - 1);
            Return(1);
        }
    }

    /// <summary>The learner's replay took (acknowledged or refused) <paramref name="batches"/> more batches of this node.</summary>
    public void Credit(int batches)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        lock (_gate)
        {
            _stalled = false;
            Return(batches);
        }
    }

    /// <summary>Forgets every outstanding batch (a new learner: the old one's batches will never be credited) and releases waiting acks.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _stalled = false;
            _outstanding = 0;
            Release();
        }
    }

    /// <summary>
    /// Resets the account when acks have waited at least <paramref name="after"/> without a credit while no publish of this
    /// node awaits the broker. Credits lost in a broker restart would otherwise stop the node for good. The publish
    /// condition keeps a full queue (no learner consuming) from being mistaken for lost credits: there the broker refuses
    /// the publishes, and releasing more acks would only pile up batches in memory.
    /// </summary>
    /// <param name="firstOfStall">True for the first reset since the last credit, so the caller warns once per stall.</param>
    /// <returns>Whether the account was reset.</returns>
    public bool ResetIfStalled(TimeSpan after, out bool firstOfStall)
    {
        lock (_gate)
        {
            firstOfStall = false;
            if (_deferred.Count == 0 || _unconfirmed > 0 || _clockMs() - _waitingSince < (long)after.TotalMilliseconds) return false;
            firstOfStall = !_stalled;
            _stalled = true;
            _outstanding = 0;
            Release();
            return true;
        }
    }

    private void Return(int batches)
    {
        // Never below zero: credits of batches sent before a reset arrive after it and must not widen the window.
        _outstanding = Math.Max(0, _outstanding - batches);
        _waitingSince = _clockMs();
        Release();
    }

    private void Release()
    {
        while (_deferred.Count > 0 && _outstanding < Window)
        {
            var (runner, count) = _deferred.Dequeue();
            _outstanding++;
            runner?.Tell(new ExperienceAck(count), _acksFrom);
        }
        if (_deferred.Count > 0) _waitingSince = _clockMs();
    }
}
