using System.Diagnostics;

namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>
/// Runs Debian's promtool (tests/setup/prometheus.sh installs it; a missing binary is a setup failure, not a skip)
/// and finds the repository root for the deploy/ files.
/// </summary>
internal static class PrometheusTools
{
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (ActorTrainer.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs promtool with <paramref name="args"/>, feeding <paramref name="stdin"/>; returns its exit code and all output.</summary>
    public static async Task<(int Code, string Output)> PromtoolAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("promtool is not installed: run tests/setup/prometheus.sh", ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (process.ExitCode, await output + await error);
        }
    }
}
