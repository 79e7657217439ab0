using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Library;

/// <summary>The library sample of docs/library.md compiles (it is built with this project), runs, learns, and matches docs/library.md.</summary>
[Collection(Runs.RunCollection.Name)]
public sealed class LibrarySampleTests : IDisposable
{
    private const string SampleName = "ActorTrainer.LibrarySample";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_sample_program_trains_its_own_environment_to_solved_with_pause_and_resume()
    {
        var configuration = typeof(LibrarySampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryRoot(), "tests", SampleName, "bin", configuration, "net10.0", SampleName + ".dll");
        Assert.True(File.Exists(dll), $"the sample was not built: {dll}");

        // The SDK tells test hosts which dotnet runs them; fall back to the one on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(_dir.Path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the sample did not finish within 3 minutes");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("pause: ok", output);
        Assert.Contains("state Paused", output);
        Assert.Contains("resume: ok", output);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var summary = JsonDocument.Parse(lines[^1]);
        var root = summary.RootElement;
        Assert.True(root.GetProperty("solved").GetBoolean());
        Assert.Equal("solved", root.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        Assert.Equal("WalkToGoal-v0", root.GetProperty("env").GetString());
        Assert.True(root.GetProperty("best_eval_return").GetDouble() >= 0, "solved means a greedy mean of at least the threshold 0");

        var runDir = root.GetProperty("run_dir").GetString()!;
        Assert.StartsWith(_dir.Path, runDir);
        var best = CheckpointSlot.ResolveReadable(Path.Combine(runDir, "best"));
        Assert.NotNull(best);
        Assert.True(File.Exists(Path.Combine(best, CheckpointStore.ModelFileName)));
    }

    [Fact]
    public void The_docs_library_sample_is_identical_to_the_sample_program()
    {
        var root = RepositoryRoot();
        var program = Normalize(File.ReadAllText(Path.Combine(root, "tests", SampleName, "Program.cs")));
        var readme = File.ReadAllText(Path.Combine(root, "docs", "library.md")).Replace("\r\n", "\n");

        var section = readme.IndexOf("# Library use\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/library.md has no '# Library use' title");
        var open = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(open >= 0, "the Library use section has no ```csharp block");
        var codeStart = open + "```csharp\n".Length;
        var close = readme.IndexOf("\n```", codeStart, StringComparison.Ordinal);
        Assert.True(close >= 0, "the ```csharp block is not closed");
        var block = Normalize(readme[codeStart..close]);

        Assert.Equal(program, block);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n', ' ');

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }
}
