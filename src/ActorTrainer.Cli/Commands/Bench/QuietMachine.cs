using System.Diagnostics;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Waits until the machine's CPUs are nearly idle (Linux <c>/proc/stat</c>), so a timed run does not share the cores
/// with work an earlier run left behind: the runtime compiles hot methods again in a background thread for seconds after
/// they got hot, in the benchmark's process and in runner processes that serve the next run. Where the file cannot be
/// read (another OS, a restricted container) there is nothing to wait for.
/// </summary>
internal static class QuietMachine
{
    private const string File = "/proc/stat";

    /// <summary>A window counts as quiet when at most this share of all CPUs' time was busy.</summary>
    public const double BusyShare = 0.10;

    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    private static int _warned;

    /// <summary>
    /// Returns once one <see cref="Window"/> was quiet, or after <paramref name="max"/> (a machine that others keep busy
    /// must not stall the benchmark); true when it was quiet. The time waited is the caller's to report.
    /// </summary>
    public static async Task<bool> WaitAsync(TimeSpan max, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (Read() is not { } last) return true;
        while (clock.Elapsed < max)
        {
            await Task.Delay(Window, ct);
            if (Read() is not { } now) return true;
            var total = now.Total - last.Total;
            var busy = total - (now.Idle - last.Idle);
            last = now;
            if (total > 0 && busy <= BusyShare * total) return true;
        }
        return false;
    }

    /// <summary>All CPUs' jiffies from the first ("cpu ") line: the total, and idle plus I/O wait.</summary>
    private static (long Total, long Idle)? Read()
    {
        try
        {
            if (!System.IO.File.Exists(File)) return null;
            using var reader = new StreamReader(File);
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: > 5 } || fields[0] != "cpu") return null;
            // user nice system idle iowait irq softirq steal ...; guest time is already inside user and nice.
            var values = fields.Skip(1).Take(8).Select(long.Parse).ToArray();
            return (values.Sum(), values[3] + values[4]);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
                Console.Error.WriteLine($"warning: cannot read {File} ({e.Message}); runs start without waiting for a quiet machine");
            return null;
        }
    }
}
