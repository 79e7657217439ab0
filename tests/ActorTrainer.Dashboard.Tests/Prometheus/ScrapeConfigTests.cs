namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>The scrape config examples under deploy/prometheus parse with Debian's promtool.</summary>
public sealed class ScrapeConfigTests
{
    private static string Deploy(string file) => Path.Combine(PrometheusTools.Root, "deploy", "prometheus", file);

    [Fact]
    public async Task The_compose_config_parses_and_targets_the_learner_service()
    {
        // --syntax-only: the credentials file exists only inside the Prometheus container.
        var (code, output) = await PrometheusTools.PromtoolAsync(null, "check", "config", "--syntax-only", Deploy("prometheus.yml"));
        Assert.True(code == 0, output);
        var text = await File.ReadAllTextAsync(Deploy("prometheus.yml"));
        Assert.Contains("- targets: [\"learner:5088\"]", text);
        Assert.Contains("metrics_path: /metrics", text);
    }

    [Fact]
    public async Task The_kubernetes_config_parses_with_pod_discovery_and_annotation_relabeling()
    {
        var text = await File.ReadAllTextAsync(Deploy("kubernetes.yml"));
        Assert.Contains("kubernetes_sd_configs:\n      - role: pod\n", text);
        foreach (var annotation in new[] { "scrape", "port", "path" })
            Assert.Contains($"__meta_kubernetes_pod_annotation_prometheus_io_{annotation}", text);

        // Debian builds Prometheus without Kubernetes discovery, and its promtool refuses the kubernetes_sd_configs
        // key. Everything else (authorization, every relabel rule and regex) is checked by swapping in file
        // discovery, which Debian's build has.
        var swapped = text.Replace("kubernetes_sd_configs:\n      - role: pod\n", "file_sd_configs:\n      - files: [pods.json]\n", StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"actortrainer-k8s-{Guid.NewGuid():N}.yml");
        try
        {
            await File.WriteAllTextAsync(file, swapped);
            var (code, output) = await PrometheusTools.PromtoolAsync(null, "check", "config", "--syntax-only", file);
            Assert.True(code == 0, output);

            // A broken relabel regex is refused by the same check, so its success above is not vacuous.
            await File.WriteAllTextAsync(file, swapped.Replace("regex: (.+)", "regex: (.+", StringComparison.Ordinal));
            var (badCode, badOutput) = await PrometheusTools.PromtoolAsync(null, "check", "config", "--syntax-only", file);
            Assert.NotEqual(0, badCode);
            Assert.Contains("regexp", badOutput);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Promtool_with_kubernetes_discovery_accepts_the_original_when_the_build_has_it()
    {
        var (code, output) = await PrometheusTools.PromtoolAsync(null, "check", "config", "--syntax-only", Deploy("kubernetes.yml"));
        // Debian's build lacks the discovery and says exactly that; any other failure is a mistake in the file.
        if (code == 0) return;
        var unknown = Assert.Single(output.Split('\n'), l => l.Contains("not found in type", StringComparison.Ordinal));
        Assert.Contains("field kubernetes_sd_configs not found", unknown);
    }
}
