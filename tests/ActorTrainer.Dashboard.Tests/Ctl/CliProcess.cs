using System.Diagnostics;

namespace ActorTrainer.Dashboard.Tests.Ctl;

/// <summary>Runs the real `actortrainer` (copied next to the tests by the project reference) as a separate process.</summary>
internal static class CliProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actortrainer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("ACTORTRAINER_CONTROL_TOKEN");
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"actortrainer {string.Join(' ', args)} did not exit within 60 s");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
