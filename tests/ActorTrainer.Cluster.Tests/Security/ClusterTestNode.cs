using System.Threading.Channels;
using ActorTrainer.Cluster.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>One real cluster node in this process: an Akka.Hosting host built with <c>WithActorTrainerCluster</c>.</summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterTestNode(IHost host, ActorSystem system)
    {
        _host = host;
        System = system;
        AkkaCluster.Get(system).RegisterOnMemberUp(() => _up.TrySetResult());
    }

    public ActorSystem System { get; }

    public AkkaCluster Cluster => AkkaCluster.Get(System);

    public Address Address => Cluster.SelfAddress;

    /// <summary>Completes when this node is Up in the cluster.</summary>
    public Task Up => _up.Task;

    public static async Task<ClusterTestNode> StartAsync(ClusterNodeSettings settings, Action<AkkaConfigurationBuilder>? configure = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(settings.SystemName, builder =>
            {
                builder.WithActorTrainerCluster(settings);
                configure?.Invoke(builder);
            }))
            .Build();
        await host.StartAsync();
        return new ClusterTestNode(host, host.Services.GetRequiredService<ActorSystem>());
    }

    /// <summary>Every event of <paramref name="types"/> published on this node's event stream, from now on.</summary>
    public ChannelReader<object> Events(params Type[] types)
    {
        var channel = Channel.CreateUnbounded<object>();
        var listener = System.ActorOf(Props.Create(() => new Forwarder(channel.Writer)));
        foreach (var t in types) System.EventStream.Subscribe(listener, t);
        return channel.Reader;
    }

    /// <summary>Waits for the first event that matches, up to <paramref name="timeout"/> (a bound, not a pause).</summary>
    public static async Task<object> FirstAsync(ChannelReader<object> events, Func<object, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var e in events.ReadAllAsync(cts.Token))
                if (match(e)) return e;
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no matching event within {timeout}");
    }

    private int _disposed;

    /// <summary>Stops the node gracefully (it leaves the cluster); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(ChannelWriter<object> writer) => ReceiveAny(m => writer.TryWrite(m));
    }
}
