namespace ActorTrainer.Training.Checkpoints;

/// <summary>
/// A named checkpoint folder (best/, latest/) replaced as a whole. A new version is written into a
/// temporary sibling folder, completed by a marker file written last, then swapped in by renames.
/// If a crash interrupts the swap, <see cref="ResolveReadable()"/> still finds the newest complete version.
/// </summary>
public sealed class CheckpointSlot(string runDirectory, string name)
{
    /// <summary>Written last inside a checkpoint folder; its presence means every other file is complete.</summary>
    public const string CompleteMarker = "COMPLETE";

    public string Path { get; } = System.IO.Path.Combine(runDirectory, name);
    private string OldPath => Path + ".old";

    /// <summary>Writes a new version of the slot: <paramref name="writeFiles"/> fills the folder it is given.</summary>
    public void Replace(Action<string> writeFiles)
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(parent);
        var staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            writeFiles(staging);
            AtomicFile.WriteAllText(System.IO.Path.Combine(staging, CompleteMarker), DateTimeOffset.UtcNow.ToString("O"));

            if (Directory.Exists(OldPath)) Directory.Delete(OldPath, recursive: true);
            if (Directory.Exists(Path)) Directory.Move(Path, OldPath);
            Directory.Move(staging, Path);
            if (Directory.Exists(OldPath)) Directory.Delete(OldPath, recursive: true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>The folder holding the newest complete version of this slot, or null when there is none.</summary>
    public string? ResolveReadable() => ResolveReadable(Path);

    /// <summary>
    /// Given a checkpoint folder path, returns it if complete; else its ".old" sibling if that is complete
    /// (a crash between the two renames of <see cref="Replace"/>); else null.
    /// </summary>
    public static string? ResolveReadable(string path)
    {
        if (File.Exists(System.IO.Path.Combine(path, CompleteMarker))) return path;
        var old = path.TrimEnd('/', '\\') + ".old";
        if (File.Exists(System.IO.Path.Combine(old, CompleteMarker))) return old;
        return null;
    }
}
