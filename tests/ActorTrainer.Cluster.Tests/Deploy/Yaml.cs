using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorTrainer.Cluster.Tests.Deploy;

/// <summary>
/// Parses YAML with python3's PyYAML (safe_load_all) into JSON nodes. tests/setup/python-yaml.sh installs it, so a
/// missing module is a setup failure, not a skip.
/// </summary>
internal static class Yaml
{
    private const string Script = "import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)";

    public static IReadOnlyList<JsonObject> Documents(string yaml)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("python3 is not installed: run tests/setup/python-yaml.sh");
        }
        process.StandardInput.Write(yaml);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"YAML did not parse (python3 -c 'import yaml' needs tests/setup/python-yaml.sh): {error.Result}");
        return JsonNode.Parse(output.Result)!.AsArray().Select(n => n!.AsObject()).ToList();
    }

    public static IReadOnlyList<JsonObject> File(string path) => Documents(System.IO.File.ReadAllText(path));
}
