using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Replay;

/// <summary>
/// Prioritized replay as an actor. Runners send <see cref="ExperienceBatch"/>es and get an <see cref="ExperienceAck"/>
/// per batch (at most a couple in flight each); the learner lends <see cref="SampleBuffers"/> with each
/// <see cref="SampleRequest"/>. The <see cref="SampleRateLimiter"/> decides when to answer either: acks wait while
/// the learner lags (runners slow down), sample requests wait while data is short (the learner waits).
/// </summary>
public sealed class ReplayBuffer : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    private readonly TrainingConfig _config;
    private readonly int _observationSize;
    private readonly int _actionCount;
    private readonly IActorRef _controller;
    private readonly StreamReplay _replay;
    private readonly SampleRateLimiter _limiter;
    private readonly Queue<(IActorRef Runner, int Count)> _heldAcks = new();
    private readonly Queue<(IActorRef Learner, SampleBuffers Buffers)> _heldRequests = new();
    private readonly ReplayCaptured? _resume;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _rejected;
    private readonly External.GateBatchCheck? _gateCheck;
    private readonly System.Diagnostics.Stopwatch _paceClock = new();
    private double _lastPaceAt;

    public ITimerScheduler Timers { get; set; } = null!;

    public ReplayBuffer(TrainingConfig config, TrainingSetup setup, IActorRef controller)
    {
        _config = config;
        _observationSize = setup.NetworkSpec.ObservationSize;
        _actionCount = setup.NetworkSpec.ActionCount;
        _controller = controller;
        _replay = new StreamReplay(_observationSize,
            new PrioritizedReplayOptions(config.ReplayCapacity, (float)config.PriorityAlpha, (float)config.PriorityBeta, config.BetaAnnealSteps),
            config.Seed ^ 0x5eed);
        _limiter = new SampleRateLimiter(config.SamplesPerInsert, config.MinReplay, config.BatchSize, config.ExperienceBatch);

        Receive<ExperienceBatch>(OnExperience);
        Receive<SampleRequest>(OnSampleRequest);
        Receive<PublishStats>(_ => _controller.Tell(Stats(), Self));
        Receive<CaptureReplay>(m => Sender.Tell(Capture(m.RequestId), Self));
        _resume = setup.Resume?.Replay;
        if (setup.Gate is { } gate) _gateCheck = new External.GateBatchCheck(gate, config.GateDisagreement, config.GatePenalty);
        Receive<PaceTick>(_ => OnPaceTick());
    }

    // min-updates-per-second: sample credit beyond the ratio at a stated rate, capped at a tenth of a second's worth.
    private void OnPaceTick()
    {
        var now = _paceClock.Elapsed.TotalSeconds;
        var perSecond = _config.MinUpdatesPerSecond * _config.BatchSize;
        _limiter.AddPaceCredit((now - _lastPaceAt) * perSecond, Math.Max(_config.BatchSize, perSecond * 0.1));
        _lastPaceAt = now;
        ServeHeldRequests();
    }

    protected override void PreStart()
    {
        if (_resume is { } saved)
        {
            // A resumed run continues with the same experience and the same sampling ratio.
            _replay.Restore(new MemoryStream(saved.Contents, writable: false));
            _limiter.Restore(saved.Inserted, saved.Sampled);
            _log.Info("replay restored: {Count} transitions", _replay.Count);
        }
        Timers.StartPeriodicTimer(PublishStats.Instance, PublishStats.Instance, StatsInterval);
        if (_config.MinUpdatesPerSecond > 0)
        {
            _paceClock.Start();
            Timers.StartPeriodicTimer(PaceTick.Instance, PaceTick.Instance, TimeSpan.FromMilliseconds(Math.Clamp(1000 / _config.MinUpdatesPerSecond, 5, 100)));
        }
    }

    private ReplayCaptured Capture(long requestId)
    {
        var bytes = new MemoryStream();
        _replay.Save(bytes);
        return new ReplayCaptured(requestId, bytes.ToArray(), _limiter.Inserted, _limiter.Sampled);
    }

    private ReplayStats Stats() => new(_replay.Count, _replay.Capacity, _limiter.Inserted, _limiter.Sampled, _rejected);

    private void OnExperience(ExperienceBatch batch)
    {
        if (batch.Validate(_observationSize, _actionCount) is { } problem)
        {
            // A malformed or forged batch must not poison the buffer or crash the run: log, count, drop.
            _rejected++;
            _log.Error("rejected an experience batch from runner {RunnerId}: {Problem}", batch.RunnerId, problem);
            batch.Release();
            Sender.Tell(new ExperienceAck(0), Self);
            return;
        }

        ExperienceIngest.Store(_replay, batch);
        _limiter.OnInserted(batch.Count);

        if (_limiter.InsertsWelcome && _heldAcks.Count == 0) Sender.Tell(new ExperienceAck(batch.Count), Self);
        else _heldAcks.Enqueue((Sender, batch.Count));
        ServeHeldRequests();
    }

    private void OnSampleRequest(SampleRequest request)
    {
        var buffers = request.Buffers;
        if (buffers.PendingPriorities > 0)
        {
            _replay.UpdatePriorities(buffers.Batch.Indices.AsSpan(0, buffers.PendingPriorities), buffers.Priorities.AsSpan(0, buffers.PendingPriorities));
            buffers.PendingPriorities = 0;
        }
        _heldRequests.Enqueue((Sender, buffers));
        ServeHeldRequests();
    }

    private void ServeHeldRequests()
    {
        while (_heldRequests.Count > 0 && _limiter.CanSample(_config.BatchSize))
        {
            var (learner, buffers) = _heldRequests.Dequeue();
            _replay.SampleBatch(buffers.Batch, _config.BatchSize);
            _gateCheck?.Apply(buffers.Batch);
            _limiter.OnSampled(_config.BatchSize);
            learner.Tell(new SampleReady(buffers), Self);
        }
        while (_heldAcks.Count > 0 && _limiter.InsertsWelcome)
        {
            var (runner, count) = _heldAcks.Dequeue();
            runner.Tell(new ExperienceAck(count), Self);
        }
    }

    private sealed class PublishStats
    {
        public static readonly PublishStats Instance = new();
    }

    private sealed class PaceTick
    {
        public static readonly PaceTick Instance = new();
    }
}
