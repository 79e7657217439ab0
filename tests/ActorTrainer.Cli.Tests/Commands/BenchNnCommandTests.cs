using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>
/// `bench nn` runs the real `actortrainer` binary as a child process with a tiny time budget. The PyTorch peer needs
/// Debian's python3-torch, which tests/setup/pytorch.sh installs before the suite runs.
/// </summary>
public sealed class BenchNnCommandTests : IDisposable
{
    private const string SystemPython = "/usr/bin/python3";
    private readonly string _dir = Directory.CreateTempSubdirectory("at-bench-nn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Peer_figures_stand_next_to_ours_with_their_ratio()
    {
        Assert.True(PythonImportsTorch(SystemPython),
            $"{SystemPython} cannot import torch; run tests/setup/pytorch.sh (apt-get install python3-torch) first");

        var (code, stdout, stderr) = CliProcess.Run("bench", "nn", "--peer", "--json", "--seconds", "0.05");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        var peer = root.GetProperty("peer");
        Assert.True(peer.GetProperty("available").GetBoolean(), $"peer not available: {peer}");
        Assert.False(string.IsNullOrEmpty(peer.GetProperty("torch_version").GetString()));
        foreach (var name in new[] { "train_step_us_b64", "train_step_us_b256", "forward1_us", "forward_b64_us", "gflops_b256" })
        {
            Assert.True(peer.GetProperty(name).GetDouble() > 0, $"peer {name} should be measured and positive: {peer}");
            Assert.True(root.GetProperty(name).GetDouble() > 0, $"our {name} should be measured and positive: {stdout}");
        }
        Assert.True(peer.GetProperty("per_action").GetProperty("train_step_us_b128").GetDouble() > 0);
        Assert.True(peer.GetProperty("per_action").GetProperty("forward1_us").GetDouble() > 0);

        // Each ratio is the peer's time over ours for the same figure.
        var ratio = peer.GetProperty("ratio");
        var expected = peer.GetProperty("train_step_us_b256").GetDouble() / root.GetProperty("train_step_us_b256").GetDouble();
        Assert.Equal(expected, ratio.GetProperty("train_step_b256").GetDouble(), 0.01 + 0.01 * expected);
        foreach (var r in ratio.EnumerateObject())
            Assert.True(r.Value.GetDouble() > 0, $"ratio {r.Name} should be positive: {ratio}");

        // The FMA peak is measured in the same run, and the step's share of it follows from the two.
        var peakGflops = root.GetProperty("fma_peak_gflops").GetDouble();
        Assert.True(peakGflops > 0, stdout);
        Assert.Equal(root.GetProperty("gflops_b256_executed").GetDouble() / peakGflops,
            root.GetProperty("peak_fraction_b256_executed").GetDouble(), 0.002);

        // Row counts come from the spec: 128 observations × 40 action rows.
        Assert.Equal(128 * 40, root.GetProperty("per_action").GetProperty("rows_per_batch").GetInt32());
        Assert.Equal(40, root.GetProperty("per_action").GetProperty("rows_per_observation").GetInt32());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_python_without_torch_is_reported_as_not_available()
    {
        // The system python with site-packages switched off (-S) cannot see Debian's dist-packages, hence no torch.
        var noTorch = Path.Combine(_dir, "python-without-torch");
        File.WriteAllText(noTorch, $"#!/bin/sh\nexec {SystemPython} -S \"$@\"\n");
        File.SetUnixFileMode(noTorch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.False(PythonImportsTorch(noTorch));

        var (code, stdout, stderr) = CliProcess.Run("bench", "nn", "--peer", "--python", noTorch, "--json", "--seconds", "0.05");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout.Trim());
        var peer = doc.RootElement.GetProperty("peer");
        Assert.False(peer.GetProperty("available").GetBoolean());
        Assert.Contains("cannot import torch", peer.GetProperty("reason").GetString());
        Assert.True(doc.RootElement.GetProperty("train_step_us_b256").GetDouble() > 0, "our own figures are still measured");

        var (textCode, text, textErr) = CliProcess.Run("bench", "nn", "--peer", "--python", noTorch, "--seconds", "0.05");
        Assert.True(textCode == 0, $"exit {textCode}: {textErr}");
        Assert.Contains("peer: PyTorch not available", text);
        Assert.Contains("cannot import torch", text);
    }

    [Fact]
    public void A_missing_python_is_named_and_a_python_without_peer_is_refused()
    {
        var missing = Path.Combine(_dir, "no-such-python");
        var (code, stdout, stderr) = CliProcess.Run("bench", "nn", "--peer", "--python", missing, "--json", "--seconds", "0.05");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout.Trim());
        Assert.Contains($"no python at {missing}", doc.RootElement.GetProperty("peer").GetProperty("reason").GetString());

        var (badCode, _, badErr) = CliProcess.Run("bench", "nn", "--python", SystemPython);
        Assert.Equal(2, badCode);
        Assert.Contains("--python only applies with --peer", badErr);
    }

    [Fact]
    public void No_figure_is_written_into_the_source()
    {
        var dir = Path.Combine(RepoRoot(), "src", "ActorTrainer.Cli", "Commands", "Bench");
        foreach (var file in new[] { "NnBenchmark.cs", "BenchNnCommand.cs", "PytorchPeer.cs" })
        {
            var text = File.ReadAllText(Path.Combine(dir, file));
            // A number followed by a unit, a "≈ number", or a fixed row count would be a figure nobody measured.
            foreach (var pattern in new[] { @"\d\s*(µs|us\b|GFLOP)", @"≈\s*\d", @"\d[\d,]*\s+rows", @"PyTorch[^\n]*\d+(\.\d+)?\s*(µs|GFLOP)" })
            {
                var m = Regex.Match(text, pattern);
                Assert.False(m.Success, $"{file} holds a constant figure: \"{(m.Success ? text.Substring(Math.Max(0, m.Index - 30), Math.Min(60, text.Length - Math.Max(0, m.Index - 30))) : "")}\"");
            }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }

    private static bool PythonImportsTorch(string python)
    {
        if (!File.Exists(python)) return false;
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import torch");
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

}
