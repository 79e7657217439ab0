namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>
/// deploy/prometheus/alerts.yml, evaluated by Debian's promtool (`promtool test rules`) over series named as /metrics
/// writes them: the alerts fire for the run that is short, after their minute, and not for the one that is not.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly string Rules = Path.Combine(PrometheusTools.Root, "deploy", "prometheus", "alerts.yml");

    // Two learners scraped by one Prometheus: "short" has 1 of its 4 runners and a runner node that stops sending
    // heartbeats at 30 s; "full" has all 4 and its node stays up.
    private static string RuleTest(string runnersShortAt90s) => $$"""
        rule_files:
          - {{Rules}}
        evaluation_interval: 15s
        tests:
          - interval: 15s
            input_series:
              - series: 'actortrainer_runners_up{instance="short:5088",job="actortrainer"}'
                values: '1x8'
              - series: 'actortrainer_min_runners{instance="short:5088",job="actortrainer"}'
                values: '4x8'
              - series: 'actortrainer_runners_up{instance="full:5088",job="actortrainer"}'
                values: '4x8'
              - series: 'actortrainer_min_runners{instance="full:5088",job="actortrainer"}'
                values: '4x8'
              - series: 'actortrainer_node_up{instance="short:5088",job="actortrainer",node="runner-1",role="runner"}'
                values: '1 1 0 0 0 0 0 0 0'
              - series: 'actortrainer_node_up{instance="full:5088",job="actortrainer",node="runner-2",role="runner"}'
                values: '1x8'
            alert_rule_test:
              - eval_time: 45s
                alertname: ActorTrainerRunnersShort
                exp_alerts: []
              - eval_time: 90s
                alertname: ActorTrainerRunnersShort
                exp_alerts:
        {{runnersShortAt90s}}
              - eval_time: 75s
                alertname: ActorTrainerNodeDown
                exp_alerts: []
              - eval_time: 2m
                alertname: ActorTrainerNodeDown
                exp_alerts:
                  - exp_labels: {severity: warning, instance: "short:5088", job: actortrainer, node: runner-1, role: runner}
                    exp_annotations: {summary: "cluster node runner-1 (runner) is down"}
        """;

    private const string ShortFires = """
                  - exp_labels: {severity: warning, instance: "short:5088", job: actortrainer}
                    exp_annotations: {summary: "1 runners up on short:5088, fewer than the run's min-runners"}
        """;

    private static async Task<(int Code, string Output)> TestRulesAsync(string test)
    {
        var file = Path.Combine(Path.GetTempPath(), $"actortrainer-alerts-test-{Guid.NewGuid():N}.yml");
        try
        {
            await File.WriteAllTextAsync(file, test);
            return await PrometheusTools.PromtoolAsync(null, "test", "rules", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_rules_parse()
    {
        var (code, output) = await PrometheusTools.PromtoolAsync(null, "check", "rules", Rules);
        Assert.True(code == 0, output);
        Assert.Contains("2 rules found", output);
    }

    [Fact]
    public async Task Runners_short_and_node_down_fire_after_a_minute_for_the_short_run_only()
    {
        var (code, output) = await TestRulesAsync(RuleTest(ShortFires));
        Assert.True(code == 0, output);

        // The same evaluation expecting no alert at 90 s fails: promtool compares, so the pass above means something.
        var (quietCode, quietOutput) = await TestRulesAsync(RuleTest("                    []"));
        Assert.NotEqual(0, quietCode);
        Assert.Contains("ActorTrainerRunnersShort", quietOutput);
    }
}
