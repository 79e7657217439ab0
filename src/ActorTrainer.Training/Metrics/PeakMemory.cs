using System.Diagnostics;

namespace ActorTrainer.Training.Metrics;

/// <summary>The process's peak resident set so far ("high-water mark"), the figure `/usr/bin/time -v` reports as maximum resident set size.</summary>
public static class PeakMemory
{
    /// <summary>Peak resident set in MiB, rounded to 0.1; read from /proc/self/status (VmHWM) where it exists, else from the runtime.</summary>
    public static double WorkingSetMb()
    {
        var bytes = ReadVmHwm() ?? PeakFromRuntime();
        return Math.Round(bytes / (1024.0 * 1024.0), 1);
    }

    private static long? ReadVmHwm()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            // "VmHWM:    123456 kB"
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && long.TryParse(parts[1], out var kb)) return kb * 1024;
        }
        return null;
    }

    private static long PeakFromRuntime()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
