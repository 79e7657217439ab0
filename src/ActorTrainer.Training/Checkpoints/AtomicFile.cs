namespace ActorTrainer.Training.Checkpoints;

/// <summary>
/// Writes a file under a temporary name, flushes it to disk and renames it over the target, so readers
/// (and a restart after a crash) see either the old file or the new one, never a torn one.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var tmp = TempNameFor(path);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex)
        {
            if (TryDelete(tmp) is { } cleanup) throw new IOException($"{ex.Message} (and the temporary file {tmp} could not be removed: {cleanup.Message})", ex);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes through a stream callback (for large payloads such as replay contents).</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var tmp = TempNameFor(path);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex)
        {
            if (TryDelete(tmp) is { } cleanup) throw new IOException($"{ex.Message} (and the temporary file {tmp} could not be removed: {cleanup.Message})", ex);
            throw;
        }
    }

    // A dot-prefixed name in the same directory: same file system, so the rename is atomic.
    private static string TempNameFor(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");

    // The write already failed; a temporary file that cannot be removed either is reported with that failure.
    private static Exception? TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex;
        }
    }
}
