using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Actors.Hosting;

/// <summary>Ties an actor system's lifetime to the generic host's.</summary>
internal sealed class ActorSystemHostedService(
    ActorSystem system,
    IServiceProvider services,
    Action<ActorSystem, IServiceProvider>? configure,
    IHostApplicationLifetime? lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        configure?.Invoke(system, services);
        if (lifetime is not null)
            system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await system.Terminate().WaitAsync(cancellationToken).ConfigureAwait(false);
}
