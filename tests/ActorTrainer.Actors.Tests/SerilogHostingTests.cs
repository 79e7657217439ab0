using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using ActorTrainer.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorTrainer.Actors.Tests;

/// <summary>The production wiring: generic host + AddActorSystem + Serilog as the Microsoft.Extensions.Logging sink.</summary>
public sealed class SerilogHostingTests
{
    private sealed class MemorySink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }

    private sealed class Failing : ReceiveActor
    {
        public Failing() => Receive<string>(s => throw new InvalidOperationException("failure for the log: " + s));
    }

    [Fact]
    public async Task Actor_failures_reach_serilog_with_the_actor_path()
    {
        var sink = new MemorySink();
        var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        builder.Services.AddActorSystem("serilogged", (system, _) => system.ActorOf(Props.Create<Failing>(), "failing").Tell("x"));
        using var host = builder.Build();
        await host.StartAsync();
        TestKit.TestProbe.AwaitCondition(() => sink.Events.Any(e => e.Level == LogEventLevel.Error));
        await host.StopAsync();
        var error = sink.Events.First(e => e.Level == LogEventLevel.Error);
        Assert.Contains("/user/failing", error.RenderMessage());
        Assert.Equal("failure for the log: x", error.Exception?.Message);
    }
}
