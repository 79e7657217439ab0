using ActorTrainer.Dashboard.Api;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>The Prometheus text format of /metrics, without a server: escaping, HELP/TYPE, nulls, node labels.</summary>
public sealed class MetricsTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static TrainingStatus Status(bool cluster = false) => new()
    {
        RunId = "CartPole-v1-20261203-120000",
        Env = "CartPole-v1",
        State = RunState.Running,
        ElapsedSeconds = 12.5,
        EnvSteps = 123456,
        Updates = 789,
        Episodes = 42,
        WeightsVersion = 78,
        EnvStepsPerSecond = 9876.5,
        UpdatesPerSecond = 60,
        ReplaySize = 5000,
        ReplayCapacity = 20000,
        Solved = false,
        Runners = cluster
            ? [new RunnerStatus(0, "node-a", 60000, 20, 77, 1, 0.05, false, true), new RunnerStatus(1, "node-b", 63456, 22, 75, 3, 0.1, false, false)]
            : [new RunnerStatus(0, "local", 60000, 20, 77, 1, 0.05, true, true), new RunnerStatus(1, "local", 63456, 22, 78, 0, 0.1, false, true)],
        Members = cluster
            ? [new MemberStatus("node-a", "runner", 1, Now.AddSeconds(-2), true), new MemberStatus("node-b", "runner", 1, Now.AddSeconds(-30), false)]
            : [],
    };

    private static string Render(TrainingStatus status, MetricsSample? latest = null) =>
        TrainingMetricsExposition.Render(status, latest, 100_000_000, 150_000_000, Now);

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        var w = new PrometheusTextWriter();
        w.Family("actortrainer_test", "gauge", "a help with \\ and\nnew line");
        w.Sample(1.5, ("run_id", "a\\b\"c\nd"), ("env", "plain"));
        Assert.Equal(
            "# HELP actortrainer_test a help with \\\\ and\\nnew line\n" +
            "# TYPE actortrainer_test gauge\n" +
            "actortrainer_test{run_id=\"a\\\\b\\\"c\\nd\",env=\"plain\"} 1.5\n",
            w.ToString());
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5e-7, "-2.5E-07")]
    [InlineData(123456789012.0, "123456789012")]
    public void Numbers_are_written_as_prometheus_parses_them(double value, string text) =>
        Assert.Equal(text, PrometheusTextWriter.Format(value));

    [Fact]
    public void Bad_names_are_refused_naming_what_is_allowed()
    {
        var w = new PrometheusTextWriter();
        var name = Assert.Throws<ArgumentException>(() => w.Family("actortrainer-steps", "gauge", "x"));
        Assert.Contains("[a-zA-Z_:][a-zA-Z0-9_:]*", name.Message);
        var type = Assert.Throws<ArgumentException>(() => w.Family("ok", "histogramm", "x"));
        Assert.Contains("counter, gauge or untyped", type.Message);
        w.Family("ok", "gauge", "x");
        var label = Assert.Throws<ArgumentException>(() => w.Sample(1, ("__name__", "x")));
        Assert.Contains("not starting with __", label.Message);
    }

    [Fact]
    public void Every_sample_follows_its_help_and_type_and_counters_end_in_total()
    {
        var page = Render(Status(), new MetricsSample { Kind = "tick", Time = 1, EnvSteps = 1, Updates = 1, Episodes = 1, WeightsVersion = 1, TdError = 0.25 });
        Assert.EndsWith("\n", page);
        string? helped = null, typed = null, type = null;
        var families = new HashSet<string>();
        foreach (var line in page.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                helped = line.Split(' ')[2];
                Assert.True(families.Add(helped), $"family {helped} appears twice");
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                typed = parts[2];
                type = parts[3];
                Assert.Equal(helped, typed);
                continue;
            }
            var name = line.Split('{', ' ')[0];
            Assert.Equal(typed, name);
            Assert.StartsWith("actortrainer_", name);
            Assert.Equal(type == "counter", name.EndsWith("_total", StringComparison.Ordinal));
            Assert.DoesNotContain("NaN", line);
        }
        Assert.Contains("actortrainer_env_steps_total", families);
        Assert.Contains("actortrainer_updates_total", families);
        Assert.Contains("actortrainer_episodes_total", families);
        Assert.Contains("actortrainer_env_steps_total 123456\n", page);
        Assert.Contains("actortrainer_updates_total 789\n", page);
        Assert.Contains("actortrainer_env_steps_per_second 9876.5\n", page);
        Assert.Contains("actortrainer_replay_fill_ratio 0.25\n", page);
        Assert.Contains("actortrainer_td_error 0.25\n", page);
        Assert.Contains("actortrainer_mean_staleness 0.5\n", page);
        Assert.Contains("actortrainer_process_peak_working_set_bytes 150000000\n", page);
        Assert.Contains("actortrainer_state{state=\"running\"} 1\n", page);
        Assert.Contains("actortrainer_state{state=\"paused\"} 0\n", page);
    }

    [Fact]
    public void Unknown_values_are_left_out_rather_than_written_as_zero_or_nan()
    {
        // Before the first episode, update and evaluation the status holds nulls.
        var page = Render(Status());
        foreach (var absent in new[] { "actortrainer_mean_return", "actortrainer_eval_return", "actortrainer_best_eval_return", "actortrainer_loss", "actortrainer_mean_q", "actortrainer_td_error" })
            Assert.DoesNotContain(absent, page);
        Assert.DoesNotContain("NaN", page);

        var known = Render(Status() with { RecentMeanReturn = 21.5, LastEvalReturn = 200, BestEvalReturn = 500, Loss = double.NaN, MeanQ = 3.25 });
        Assert.Contains("actortrainer_mean_return 21.5\n", known);
        Assert.Contains("actortrainer_eval_return 200\n", known);
        Assert.Contains("actortrainer_best_eval_return 500\n", known);
        Assert.Contains("actortrainer_mean_q 3.25\n", known);
        // A loss that really is NaN (a diverged learner) is reported as such, not hidden.
        Assert.Contains("actortrainer_loss NaN\n", known);
    }

    [Fact]
    public void Runner_series_carry_node_local_in_one_process_and_the_node_name_in_a_cluster()
    {
        var local = Render(Status());
        Assert.Contains("actortrainer_runner_env_steps_total{runner=\"0\",node=\"local\"} 60000\n", local);
        Assert.Contains("actortrainer_node_env_steps_total{node=\"local\"} 123456\n", local);
        Assert.DoesNotContain("actortrainer_node_up", local);
        Assert.Matches("(?m)^actortrainer_env_steps_total 123456$", local); // run totals carry no node label

        var cluster = Render(Status(cluster: true));
        Assert.Contains("actortrainer_runner_staleness{runner=\"1\",node=\"node-b\"} 3\n", cluster);
        Assert.Contains("actortrainer_runner_up{runner=\"1\",node=\"node-b\"} 0\n", cluster);
        Assert.Contains("actortrainer_node_env_steps_total{node=\"node-a\"} 60000\n", cluster);
        Assert.Contains("actortrainer_node_env_steps_total{node=\"node-b\"} 63456\n", cluster);
        Assert.Contains("actortrainer_node_up{node=\"node-a\",role=\"runner\"} 1\n", cluster);
        Assert.Contains("actortrainer_node_up{node=\"node-b\",role=\"runner\"} 0\n", cluster);
        Assert.Contains("actortrainer_node_heartbeat_age_seconds{node=\"node-b\",role=\"runner\"} 30\n", cluster);
    }

    [Fact]
    public void Runners_up_and_min_runners_are_plain_numbers_zero_included()
    {
        var cluster = Render(Status(cluster: true) with { MinRunners = 4, State = RunState.Starting });
        Assert.Contains("actortrainer_runners_up 1\n", cluster); // node-b's runner is down
        Assert.Contains("actortrainer_min_runners 4\n", cluster);

        // Before any runner reported: 0, not a missing series, so `runners_up < min_runners` holds and can alert.
        var empty = Render(Status() with { Runners = [], MinRunners = 2, State = RunState.Starting });
        Assert.Contains("actortrainer_runners_up 0\n", empty);
        Assert.Contains("actortrainer_min_runners 2\n", empty);
        Assert.Contains("actortrainer_min_runners 0\n", Render(Status()));
        Assert.Contains("actortrainer_runners_up 2\n", Render(Status()));
    }

    [Fact]
    public async Task Promtool_accepts_the_page_and_catches_a_broken_one()
    {
        var page = Render(Status(cluster: true) with { RunId = "odd \"id\"\\\n", Loss = 0.5 });
        var (code, output) = await PrometheusTools.PromtoolAsync(page, "check", "metrics");
        Assert.True(code == 0, output);

        // The same check refuses a sample whose label value is not escaped, so passing above means something.
        var broken = page.Replace("run_id=\"odd \\\"id\\\"", "run_id=\"odd \"id\"", StringComparison.Ordinal);
        Assert.NotEqual(page, broken);
        var (brokenCode, _) = await PrometheusTools.PromtoolAsync(broken, "check", "metrics");
        Assert.NotEqual(0, brokenCode);
    }
}
