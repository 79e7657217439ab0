namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// The machine's load average (Linux <c>/proc/loadavg</c>), printed beside a benchmark's figures: the machine is often
/// shared, and the load says how much the figures were disturbed. Null where the file does not exist or cannot be read
/// (another OS, a restricted container): the figures stand without it.
/// </summary>
internal static class LoadAverage
{
    private const string File = "/proc/loadavg";

    /// <summary>The 1-, 5- and 15-minute averages, e.g. "0.42 0.61 1.05".</summary>
    public static string? Read() => Fields() is { } f ? string.Join(' ', f.Take(3)) : null;

    /// <summary>The 1-minute average alone.</summary>
    public static string? OneMinute() => Fields()?[0];

    private static string[]? Fields()
    {
        try
        {
            return System.IO.File.Exists(File) ? System.IO.File.ReadAllText(File).Split(' ') : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
