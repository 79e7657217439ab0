using ActorTrainer.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Actors.Tests;

public sealed class HostingTests
{
    private sealed class Stopper(TaskCompletionSource stopped) : ReceiveActor
    {
        protected override void PreStart() => ReceiveAny(m => Sender.Tell(m));

        protected override void PostStop() => stopped.TrySetResult();
    }

    [Fact]
    public async Task AddActorSystem_starts_actors_with_the_host_and_terminates_them_with_it()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef? echo = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddActorSystem("hosted", (system, services) =>
        {
            Assert.NotNull(services.GetService<ActorSystem>());
            echo = system.ActorOf(Props.Create(() => new Stopper(stopped)), "echo");
        });
        using var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        Assert.Equal("hosted", system.Name);
        Assert.NotNull(echo);
        Assert.Equal("hi", await echo!.Ask<string>("hi", TimeSpan.FromSeconds(5)));
        await host.StopAsync();
        Assert.True(system.WhenTerminated.IsCompleted);
        Assert.True(stopped.Task.IsCompleted, "PostStop ran before the host finished stopping");
    }

    [Fact]
    public void AddActorSystem_rejects_an_invalid_name()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentException>(() => services.AddActorSystem("no spaces allowed"));
        Assert.Contains("'no spaces allowed'", ex.Message);
    }
}
