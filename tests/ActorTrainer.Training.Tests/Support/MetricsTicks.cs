using System.Threading.Channels;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>
/// The MetricsProjector's once-a-second "tick" samples of a run, as an awaitable stream: tests wait for the next
/// tick (an event the run publishes, paused or not) instead of sleeping.
/// </summary>
internal sealed class MetricsTicks : IDisposable
{
    private readonly Channel<MetricsSample> _ticks = Channel.CreateUnbounded<MetricsSample>();
    private readonly IDisposable _subscription;

    public MetricsTicks(TrainingEvents events) =>
        _subscription = events.SubscribeMetrics(s =>
        {
            if (s.Kind == "tick") _ticks.Writer.TryWrite(s);
        });

    /// <summary>The next tick published after the previous call (or after subscribing).</summary>
    public async Task<MetricsSample> NextAsync(TimeSpan giveUp)
    {
        // A cancelled read leaves the channel, so a read given up never takes a later tick.
        using var cts = new CancellationTokenSource(giveUp);
        try
        {
            return await _ticks.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException ex)
        {
            throw new Xunit.Sdk.XunitException($"no metrics tick within {giveUp.TotalSeconds} s: the run's MetricsProjector stopped publishing", ex);
        }
    }

    /// <summary>Drops ticks already published, so that the next <see cref="NextAsync"/> waits for a fresh one.</summary>
    public void Skip()
    {
        while (_ticks.Reader.TryRead(out _)) { }
    }

    public void Dispose() => _subscription.Dispose();
}
