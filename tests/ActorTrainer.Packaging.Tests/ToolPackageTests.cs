namespace ActorTrainer.Packaging.Tests;

/// <summary>The `actortrainer` tool installs from the packed feed the way a user installs it, and runs.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolPackageTests(PackageFeed feed)
{
    [Fact]
    public async Task The_tool_installs_from_the_feed_and_answers_version_and_env_list()
    {
        var work = feed.NewWorkDirectory("tool");
        var toolPath = Path.Combine(work, "tools");

        var install = await DotnetCommand.DotnetAsync(work, "tool", "install", "--tool-path", toolPath,
            "--add-source", feed.Folder, PackageFeed.ToolId, "--version", feed.Version);
        Assert.True(install.ExitCode == 0, install.Describe());

        var actortrainer = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "actortrainer.exe" : "actortrainer");
        Assert.True(File.Exists(actortrainer), $"no {actortrainer} after install\n{install.Describe()}");

        var version = await DotnetCommand.RunAsync(actortrainer, work, "--version");
        Assert.True(version.ExitCode == 0, version.Describe());
        // The informational version: the package version, then "+<commit>" when packed from a git checkout.
        var printed = version.Stdout.Trim();
        Assert.True(printed == feed.Version || printed.StartsWith(feed.Version + "+", StringComparison.Ordinal),
            $"--version printed '{printed}', expected the package version {feed.Version}");

        var list = await DotnetCommand.RunAsync(actortrainer, work, "env", "list");
        Assert.True(list.ExitCode == 0, list.Describe());
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("id", rows[0]);
        foreach (var env in new[] { "CartPole-v1", "Acrobot-v1", "MountainCar-v0" })
            Assert.Contains(rows, r => r.StartsWith(env + " ", StringComparison.Ordinal));
    }
}
