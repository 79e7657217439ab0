using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Actors.Hosting;

public static class ActorSystemServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ActorSystem"/> (logging through the host's ILoggerFactory) that starts with the
    /// host, runs <paramref name="configure"/> to create the top-level actors, and terminates when the host stops.
    /// If the actor system terminates by itself, the host is asked to stop too.
    /// </summary>
    public static IServiceCollection AddActorSystem(
        this IServiceCollection services,
        string name,
        Action<ActorSystem, IServiceProvider>? configure = null,
        ActorSystemOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ActorName.IsValid(name))
            throw new ArgumentException($"invalid actor system name '{name}': allowed are {ActorName.AllowedDescription}", nameof(name));
        services.AddSingleton(sp => ActorSystem.Create(name, (options ?? new ActorSystemOptions()) with
        {
            LoggerFactory = options?.LoggerFactory ?? sp.GetService<ILoggerFactory>(),
        }));
        services.AddHostedService(sp => new ActorSystemHostedService(
            sp.GetRequiredService<ActorSystem>(), sp, configure, sp.GetService<IHostApplicationLifetime>()));
        return services;
    }
}
