using System.Diagnostics;

namespace ActorTrainer.Cluster.Tests.Deploy;

/// <summary>
/// docker-compose.yml must be accepted by Debian's docker-compose (`docker-compose config`; no engine needed).
/// tests/setup/docker-compose.sh installs it, so a missing binary is a setup failure, not a skip.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (ActorTrainer.sln) not found above " + AppContext.BaseDirectory);
    }

    private static (int Code, string Output) Compose(params string[] args)
    {
        var psi = new ProcessStartInfo("docker-compose") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The compose file must not depend on whatever the developer exported in their shell.
        foreach (var v in new[] { "RABBITMQ_USER", "RABBITMQ_PASS", "CONTROL_TOKEN", "CLUSTER_NAME", "TRAIN_ENV", "RUNNERS_PER_NODE" })
            psi.Environment.Remove(v);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("docker-compose is not installed: run tests/setup/docker-compose.sh");
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void Compose_accepts_the_file_with_the_example_settings()
    {
        var (code, output) = Compose("--env-file", "deploy/.env.example", "-f", "docker-compose.yml", "config");
        Assert.True(code == 0, output);
        Assert.Contains("rabbitmq:3.13-management", output);
        Assert.Contains("dockerfile: deploy/Dockerfile", output);
        // The learner and the (scalable) runner nodes, with their roles.
        Assert.Matches(@"(?s)learner:.*- --role\s+- learner", output);
        Assert.Matches(@"(?s)runner:.*- --role\s+- runner", output);
        Assert.Contains("ACTORTRAINER_BROKER: amqp://actortrainer:", output);
        Assert.DoesNotContain("guest", File.ReadAllText(Path.Combine(Root, "docker-compose.yml")));
    }

    [Fact]
    public void Compose_refuses_to_run_without_credentials_and_says_where_to_set_them()
    {
        var empty = Path.GetTempFileName();
        var (code, output) = Compose("--env-file", empty, "-f", "docker-compose.yml", "config");
        File.Delete(empty);
        Assert.NotEqual(0, code);
        Assert.Contains("set RABBITMQ_USER in .env", output);
    }

    [Fact]
    public void The_image_is_multi_stage_and_runs_as_a_non_root_user()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "deploy", "Dockerfile"));
        Assert.Equal(2, dockerfile.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var user = Assert.Single(dockerfile, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user);
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"/app/actortrainer.dll\"]", StringComparison.Ordinal));
    }
}
