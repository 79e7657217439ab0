namespace ActorTrainer.Packaging.Tests;

/// <summary>
/// Packs every package from src/ once for all tests in <see cref="PackageFeedCollection"/>: into a folder of its own,
/// under a version no other run uses (0.0.0-test-&lt;guid&gt;), so a copy left in the global NuGet cache can never be
/// mistaken for this build's. Builds go to their own artifacts folder and leave the checkout's bin/ and obj/ alone.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public static readonly string[] LibraryIds =
        ["ActorTrainer.Learning", "ActorTrainer.Environments", "ActorTrainer.Training", "ActorTrainer.Cluster", "ActorTrainer.Dashboard"];

    public const string ToolId = "ActorTrainer.Tool";

    public string Version { get; } = $"0.0.0-test-{Guid.NewGuid():N}";
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"actortrainer-packaging-{Guid.NewGuid():N}");
    public string Folder => Path.Combine(Root, "feed");
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var pack = await DotnetCommand.DotnetAsync(RepositoryRoot, "pack", Path.Combine(RepositoryRoot, "ActorTrainer.Packages.slnf"),
            "-c", "Release", "-o", Folder, "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={Version}", "-nodeReuse:false");
        if (pack.ExitCode != 0) throw new InvalidOperationException(pack.Describe());
    }

    public string PackagePath(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    /// <summary>A fresh folder under this feed's root for one test.</summary>
    public string NewWorkDirectory(string name)
    {
        var dir = Path.Combine(Root, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public async Task DisposeAsync()
    {
        // Restores copied this version into the global packages folder; it is never used again.
        var locals = await DotnetCommand.DotnetAsync(RepositoryRoot, "nuget", "locals", "global-packages", "--list");
        var cache = locals.Stdout.Split(':', 2) is [_, var path] ? path.Trim() : null;
        if (locals.ExitCode == 0 && Directory.Exists(cache))
            foreach (var id in LibraryIds.Append(ToolId))
            {
                var copy = Path.Combine(cache, id.ToLowerInvariant(), Version);
                if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
            }
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }
}
