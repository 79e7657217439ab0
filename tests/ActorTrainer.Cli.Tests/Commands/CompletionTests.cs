using System.Diagnostics;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>`completion bash|zsh|pwsh` and the `[suggest]` directive the scripts call.</summary>
public sealed class CompletionTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _actortrainer_complete actortrainer")]
    [InlineData("zsh", "compdef _actortrainer actortrainer")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName actortrainer")]
    public async Task Each_shell_gets_a_script_that_asks_actortrainer_for_candidates(string shell, string registration)
    {
        var (code, output, err) = await Run("completion", shell);
        Assert.True(code == CliHost.ExitOk, err);
        Assert.Contains(registration, output);
        Assert.Contains("[suggest:", output);
        Assert.DoesNotContain("dotnet-suggest", output);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error_listing_the_shells()
    {
        var (code, _, err) = await Run("completion", "fish");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("unknown shell 'fish'; allowed: bash, zsh, pwsh", err);
    }

    [Fact]
    public async Task The_suggest_directive_completes_commands_options_and_values()
    {
        var commands = await Run("[suggest:20]", "actortrainer bench r");
        Assert.Equal(CliHost.ExitOk, commands.Code);
        Assert.Contains("rollout", commands.Out.Split('\n').Select(l => l.Trim()));

        var options = await Run("[suggest:32]", "actortrainer train --learning-ra");
        Assert.Contains("--learning-rate", options.Out.Split('\n').Select(l => l.Trim()));

        var verbs = await Run("[suggest:17]", "actortrainer ctl ");
        var lines = verbs.Out.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var verb in new[] { "status", "pause", "resume", "stop", "save" }) Assert.Contains(verb, lines);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_bash_script_completes_in_a_real_bash()
    {
        var script = (await Run("completion", "bash")).Out;
        var dir = Directory.CreateTempSubdirectory("at-completion-").FullName;
        try
        {
            // `actortrainer` on PATH runs the binary these tests were built with.
            var shim = Path.Combine(dir, "actortrainer");
            await File.WriteAllTextAsync(shim, $"#!/bin/sh\nexec dotnet '{CliProcess.Dll}' \"$@\"\n");
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(dir, "completion.bash"), script);

            var reply = await CompleteAsync(dir, "actortrainer tr");
            Assert.Equal(["train"], reply);
            var options = await CompleteAsync(dir, "actortrainer train --learning-ra");
            Assert.Equal(["--learning-rate"], options);
            var subcommands = await CompleteAsync(dir, "actortrainer env ");
            Assert.Contains("list", subcommands);
            Assert.Contains("trace", subcommands);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Sets bash's completion variables as bash does for a line typed up to its end and runs the registered function.
    private static async Task<string[]> CompleteAsync(string dir, string line)
    {
        var words = line.Split(' ');
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(
            $"source '{dir}/completion.bash'; COMP_LINE='{line}'; COMP_POINT={line.Length}; " +
            $"COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; " +
            "_actortrainer_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");
        psi.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
