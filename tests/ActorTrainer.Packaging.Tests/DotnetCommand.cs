using System.Diagnostics;

namespace ActorTrainer.Packaging.Tests;

/// <summary>
/// Runs `dotnet` (or an installed tool) as a child process and waits for it to exit. The deadline is a safety net for
/// a hung restore, not a timing assertion.
/// </summary>
public static class DotnetCommand
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(15);

    /// <summary>The dotnet that runs these tests (the SDK passes it to test hosts), else the one on PATH.</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";

    public static Task<CommandResult> DotnetAsync(string workingDirectory, params string[] args) => RunAsync(Host, workingDirectory, args);

    public static async Task<CommandResult> RunAsync(string fileName, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // MSBuild nodes and the build server would outlive the command and hold its output pipes open; the
        // MSBuild variables `dotnet test` sets for its own host must not steer the child's build.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && k != "MSBUILDDISABLENODEREUSE").ToList())
            start.Environment.Remove(key);

        var command = $"{Path.GetFileName(fileName)} {string.Join(' ', args)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not exit within {Deadline.TotalMinutes} minutes");
        }
        return new CommandResult(command, process.ExitCode, await stdout, await stderr);
    }
}
