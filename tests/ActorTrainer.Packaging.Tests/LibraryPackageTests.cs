using System.Text.Json;

namespace ActorTrainer.Packaging.Tests;

/// <summary>
/// A console project of its own, outside the repository, references the library packages from the packed feed and runs
/// the library sample (tests/ActorTrainer.LibrarySample/Program.cs, copied at test time so the two never drift apart).
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class LibraryPackageTests(PackageFeed feed)
{
    [Fact]
    public async Task A_console_project_built_on_the_packages_trains_WalkToGoal_to_solved()
    {
        var project = feed.NewWorkDirectory("consumer");
        WriteConsumerProject(project);

        var build = await DotnetCommand.DotnetAsync(project, "build", "-c", "Release", "-o", Path.Combine(project, "out"), "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Describe());

        var runs = Path.Combine(project, "runs");
        var run = await DotnetCommand.DotnetAsync(project, Path.Combine(project, "out", "Consumer.dll"), runs);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("pause: ok", run.Stdout);
        Assert.Contains("resume: ok", run.Stdout);

        // The sample's last line is the run summary as JSON.
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.True(summary.RootElement.GetProperty("solved").GetBoolean(), run.Describe());
        Assert.Equal("WalkToGoal-v0", summary.RootElement.GetProperty("env").GetString());

        var runDir = summary.RootElement.GetProperty("run_dir").GetString()!;
        Assert.StartsWith(runs, Path.GetFullPath(runDir));
        Assert.True(File.Exists(Path.Combine(runDir, "best", "COMPLETE")), $"no complete best/ in {runDir}");
        Assert.True(File.Exists(Path.Combine(runDir, "best", "model.safetensors")), $"no best/model.safetensors in {runDir}");
    }

    private void WriteConsumerProject(string dir)
    {
        var references = string.Join("\n", PackageFeed.LibraryIds.Select(id => $"""    <PackageReference Include="{id}" Version="{feed.Version}" />"""));
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- Akka's packages name a few dependency versions this package source lacks; NuGet takes the next one up and
                     says so (NU1603), for a user's project exactly as for ours. -->
                <WarningsNotAsErrors>NU1603</WarningsNotAsErrors>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
            {references}
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        // The feed next to the sources the machine already has (nuget.org or its mirror), which serve the dependencies.
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="actortrainer-test-feed" value="{feed.Folder}" />
              </packageSources>
            </configuration>
            """);
        // Empty MSBuild files stop the search for the repository's own (central versions, warnings as errors, ...)
        // in case the temp folder is inside a checkout.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(dir, name), "<Project />\n");
        File.Copy(Path.Combine(PackageFeed.RepositoryRoot, "tests", "ActorTrainer.LibrarySample", "Program.cs"), Path.Combine(dir, "Program.cs"));
    }
}
