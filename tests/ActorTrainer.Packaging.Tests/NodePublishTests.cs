using System.Reflection.PortableExecutable;

namespace ActorTrainer.Packaging.Tests;

/// <summary>
/// deploy/publish.sh, which the container image runs, publishes a binary whose assemblies (ours, Akka.NET's, DotNetty's)
/// are ReadyToRun images, and that binary runs.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class NodePublishTests(PackageFeed feed)
{
    private static readonly string Script = Path.Combine(PackageFeed.RepositoryRoot, "deploy", "publish.sh");

    [Fact]
    public async Task The_node_publish_makes_ReadyToRun_assemblies_that_run()
    {
        var work = feed.NewWorkDirectory("publish");
        var app = Path.Combine(work, "app");
        // Its own artifacts folder: the checkout's bin/ and obj/ stay as the build left them.
        var publish = await DotnetCommand.RunAsync("bash", work, Script, app, "--artifacts-path", Path.Combine(work, "artifacts"));
        Assert.True(publish.ExitCode == 0, publish.Describe());

        foreach (var assembly in new[] { "actortrainer.dll", "ActorTrainer.Training.dll", "ActorTrainer.Cluster.dll", "Akka.dll", "Akka.Remote.dll", "Akka.Cluster.dll", "DotNetty.Transport.dll" })
            Assert.True(IsReadyToRun(Path.Combine(app, assembly)), $"{assembly} in {app} carries no precompiled code");
        // The check tells the two apart: this test assembly is IL only.
        Assert.False(IsReadyToRun(typeof(NodePublishTests).Assembly.Location));

        var list = await DotnetCommand.DotnetAsync(work, Path.Combine(app, "actortrainer.dll"), "env", "list");
        Assert.True(list.ExitCode == 0, list.Describe());
        Assert.Contains("CartPole-v1 ", list.Stdout);
    }

    [Fact]
    public async Task The_node_publish_without_a_folder_says_how_to_call_it()
    {
        var work = feed.NewWorkDirectory("publish-usage");
        var result = await DotnetCommand.RunAsync("bash", work, Script);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage:", result.Stderr);
        Assert.Contains("OUT is the folder to publish into", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
    }

    // A ReadyToRun image has a managed native header in its CLI header; an IL-only assembly has none.
    private static bool IsReadyToRun(string path)
    {
        using var reader = new PEReader(File.OpenRead(path));
        var cli = reader.PEHeaders.CorHeader ?? throw new InvalidOperationException($"{path} is not a .NET assembly");
        return cli.ManagedNativeHeaderDirectory.Size > 0;
    }
}
