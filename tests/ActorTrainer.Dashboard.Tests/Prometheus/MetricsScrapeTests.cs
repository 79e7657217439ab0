using System.Net;
using System.Net.Http.Headers;
using ActorTrainer.Dashboard.Tests.Harness;

namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>GET /metrics on a real training: scraped by a real Prometheus, and behind the same token rule as /api.</summary>
[Collection(RealTrainingCollection.Name)]
public sealed class MetricsScrapeTests(SharedTraining shared)
{
    private const string Token = "prom-scrape_Token.1";
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(90);
    private const int MaxTicks = 90; // the training publishes a tick a second

    [Fact]
    public async Task Prometheus_scrapes_a_running_training_and_sees_env_steps_grow()
    {
        await using var training = LiveTraining.Start(maxSeconds: 180);
        // A token, as a dashboard beyond loopback needs: the scrape must authenticate like any /api client.
        await using var dashboard = await RunningDashboard.StartAsync(training.Control, token: Token);
        await using var prometheus = await PrometheusServer.StartAsync(dashboard.LocalBase, Token, GiveUp);
        using var ticks = training.Ticks();

        double first = 0;
        IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();
        await prometheus.PollAsync(async () =>
        {
            var r = await prometheus.QueryAsync("actortrainer_env_steps_total");
            if (r.Count != 1 || r[0].Value <= 0) return false;
            (labels, first) = r[0];
            return true;
        }, "a first scraped actortrainer_env_steps_total above 0", ticks, MaxTicks);
        Assert.Equal("actortrainer", labels["job"]);
        Assert.Equal($"127.0.0.1:{dashboard.Server.BaseAddress.Port}", labels["instance"]);

        double later = 0;
        await prometheus.PollAsync(async () =>
        {
            // A scrape that times out on a loaded machine marks the series stale for a moment: keep polling.
            var r = await prometheus.QueryAsync("actortrainer_env_steps_total");
            if (r.Count != 1) return false;
            later = r[0].Value;
            return later > first;
        }, $"actortrainer_env_steps_total to grow past {first}", ticks, MaxTicks);
        Assert.True(later > first);

        // Series a user would graph. last_over_time looks past a stale moment, as above.
        var info = Assert.Single(await prometheus.QueryAsync("last_over_time(actortrainer_info[1m])"));
        Assert.Equal("CartPole-v1", info.Labels["env"]);
        Assert.Equal((await training.StatusAsync()).RunId, info.Labels["run_id"]);
        var running = Assert.Single(await prometheus.QueryAsync("last_over_time(actortrainer_state{state=\"running\"}[1m])"));
        Assert.Equal(1, running.Value);
        var runners = await prometheus.QueryAsync("last_over_time(actortrainer_runner_env_steps_total[1m])");
        Assert.Equal(2, runners.Count);
        Assert.All(runners, r => Assert.Equal("local", r.Labels["node"]));
        var rate = Assert.Single(await prometheus.QueryAsync("rate(actortrainer_env_steps_total[1m])"));
        Assert.True(rate.Value > 0, $"rate(actortrainer_env_steps_total[1m]) is {rate.Value}");
    }

    [Fact]
    public async Task With_a_token_metrics_needs_the_bearer_token_like_api_status()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: Token, urls: "http://0.0.0.0:0");
        using var anonymous = new HttpClient { BaseAddress = d.LocalBase };

        using var none = await anonymous.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        var noneBody = await none.Content.ReadAsStringAsync();
        Assert.DoesNotContain("actortrainer_", noneBody);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        using var wrongAnswer = await anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);

        // The token never travels in a URL: a query string is refused outright (400, as for /api/status), never opens /metrics.
        using var query = await anonymous.GetAsync("metrics?token=" + Token);
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.DoesNotContain("actortrainer_", await query.Content.ReadAsStringAsync());

        using var ok = await d.Http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/plain", ok.Content.Headers.ContentType!.MediaType);
        Assert.Contains(ok.Content.Headers.ContentType.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var page = await ok.Content.ReadAsStringAsync();
        var status = await shared.Training.StatusAsync();
        Assert.Contains($"actortrainer_env_steps_total {status.EnvSteps}\n", page); // paused: the count stands still
        Assert.Contains("actortrainer_state{state=\"paused\"} 1\n", page);
    }

    [Fact]
    public async Task Without_a_token_on_loopback_metrics_is_open_like_api_status()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        Assert.False(d.Server.TokenRequired);
        using var status = await d.Http.GetAsync("api/status");
        using var metrics = await d.Http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);

        // What a user's Prometheus would accept: promtool lints the live page.
        var (code, output) = await PrometheusTools.PromtoolAsync(await metrics.Content.ReadAsStringAsync(), "check", "metrics");
        Assert.True(code == 0, output);
    }
}
