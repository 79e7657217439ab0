using System.Diagnostics;
using ActorTrainer.Cli.Commands.Bench;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>The wait `bench cluster --solve` makes before each run, against a machine this test keeps busy.</summary>
public sealed class QuietMachineTests
{
    [Fact]
    public async Task A_machine_busy_on_every_core_is_not_quiet_and_the_wait_ends_at_its_limit()
    {
        Assert.True(File.Exists("/proc/stat"), "this test reads Linux's /proc/stat");
        using var stop = new CancellationTokenSource();
        // One spinning thread per core keeps every CPU busy whatever else runs.
        var spinners = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => Task.Factory.StartNew(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }, TaskCreationOptions.LongRunning))
            .ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            Assert.False(await QuietMachine.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}");
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(spinners);
        }
    }
}
