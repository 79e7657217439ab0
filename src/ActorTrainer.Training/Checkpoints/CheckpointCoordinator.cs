using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Checkpoints;

/// <summary>
/// Writes latest/: captures the learner's state (and the replay's contents with save-replay) as of one request,
/// waits for both in whatever order they come, writes them atomically and answers the requester. Requests are
/// served one at a time in arrival order, so a capture never mixes two requests' parts.
/// </summary>
public sealed class CheckpointCoordinator : ReceiveActor
{
    private readonly TrainingConfig _config;
    private readonly RunDirectory _run;
    private readonly TrainingSetup _setup;
    private readonly IActorRef _learner;
    private readonly IActorRef _replay;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(SaveCheckpoint Request, IActorRef ReplyTo)> _queue = new();

    private (SaveCheckpoint Request, IActorRef ReplyTo)? _current;
    private LearnerStateCaptured? _learnerPart;
    private ReplayCaptured? _replayPart;

    public CheckpointCoordinator(TrainingConfig config, RunDirectory run, TrainingSetup setup, IActorRef learner, IActorRef replay)
    {
        _config = config;
        _run = run;
        _setup = setup;
        _learner = learner;
        _replay = replay;

        Receive<SaveCheckpoint>(m =>
        {
            _queue.Enqueue((m, Sender));
            StartNext();
        });
        Receive<LearnerStateCaptured>(m =>
        {
            if (_current is not { } c || m.RequestId != LearnerRequestId(c.Request)) return; // late answer to an abandoned request
            _learnerPart = m;
            TryComplete();
        });
        Receive<ReplayCaptured>(m =>
        {
            if (_current is not { } c || m.RequestId != c.Request.RequestId) return;
            _replayPart = m;
            TryComplete();
        });
        Receive<SaveWeightsOnly>(OnSaveWeightsOnly);
    }

    // The learner answers its final Stop with request id -1 (it knows no ids then).
    private static long LearnerRequestId(SaveCheckpoint request) => request.StopReason is null ? request.RequestId : -1;

    private void StartNext()
    {
        if (_current is not null || !_queue.TryDequeue(out var next)) return;
        _current = next;
        _learnerPart = null;
        _replayPart = null;
        if (_config.SaveReplay) _replay.Tell(new CaptureReplay(next.Request.RequestId), Self);
        if (next.Request.StopReason is { } reason) _learner.Tell(new Stop(reason), Self);
        else _learner.Tell(new CaptureLearnerState(next.Request.RequestId), Self);
    }

    private void TryComplete()
    {
        if (_current is not { } c || _learnerPart is not { } learner || (_config.SaveReplay && _replayPart is null)) return;
        var state = learner.State;
        var counters = c.Request.Counters with { Updates = state.Updates, WeightsVersion = state.WeightsVersion };
        string? error = null;
        try
        {
            CheckpointStore.WriteLatest(_run, _config, _setup, state, counters, _replayPart);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Error(ex, "could not write the latest/ checkpoint");
            error = $"could not write latest/: {ex.Message}";
        }
        c.ReplyTo.Tell(new CheckpointSaved(c.Request.RequestId, state, error, c.Request.StopReason is not null), Self);
        _current = null;
        StartNext();
    }

    // Only weights are known (no captured optimizer state): both networks from them, Adam's moments zero.
    private void OnSaveWeightsOnly(SaveWeightsOnly m)
    {
        var w = m.Weights;
        var state = new LearnerState(w, w, new float[w.Parameters.Length], new float[w.Parameters.Length], 0, m.Counters.Updates, w.Version);
        try
        {
            CheckpointStore.WriteLatest(_run, _config, _setup, state, m.Counters with { WeightsVersion = w.Version });
            Sender.Tell(new CheckpointSaved(-1, state, null, true), Self);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Error(ex, "could not write the final checkpoint");
            Sender.Tell(new CheckpointSaved(-1, state, $"could not write latest/: {ex.Message}", true), Self);
        }
    }
}
