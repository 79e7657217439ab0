namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>
/// One real training shared by the tests that only read it or send commands it refuses (bad bodies, the token
/// rule, status shape, metrics). It is paused once warm, so it does not take both cores from the tests that need
/// their own running training; tests that change the run's state start their own <see cref="LiveTraining"/>.
/// </summary>
public sealed class SharedTraining : IAsyncLifetime
{
    internal LiveTraining Training { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Training = LiveTraining.Start(maxSeconds: 600);
        await Training.WarmAsync();
        var paused = await Training.Control.SendAsync(new ActorTrainer.Training.Control.Pause(), CancellationToken.None);
        if (!paused.Ok) throw new InvalidOperationException($"could not pause the shared training: {paused.Error}");
    }

    public async Task DisposeAsync() => await Training.DisposeAsync();
}
