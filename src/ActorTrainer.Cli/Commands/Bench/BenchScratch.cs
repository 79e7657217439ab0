namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>The throw-away run folders of benchmarks that train.</summary>
internal static class BenchScratch
{
    /// <summary>Removes <paramref name="root"/>; a folder that cannot be removed is named on stderr (the figures stand).</summary>
    public static void Delete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not remove the benchmark's run folder {root}: {ex.Message}");
        }
    }
}
