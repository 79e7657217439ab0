using System.Net;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.External;

/// <summary>Every route of /api/external and every error code, against a real run.</summary>
public sealed class ExternalApiTests(ExternalRun run) : IClassFixture<ExternalRun>
{
    private async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(string path, string? json, HttpClient? http = null)
    {
        using var content = new StringContent(json ?? "", Encoding.UTF8, "application/json");
        using var res = await (http ?? run.Http).PostAsync("api/external/episodes" + path, content);
        var text = await res.Content.ReadAsStringAsync();
        return (res.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<string> StartAsync(bool training = true)
    {
        var (code, body) = await PostAsync("", $$"""{"training": {{(training ? "true" : "false")}}}""");
        Assert.Equal(HttpStatusCode.Created, code);
        return body.GetProperty("episode_id").GetString()!;
    }

    private static void AssertError(HttpStatusCode expected, (HttpStatusCode Code, JsonElement Body) r, string field, string messagePart)
    {
        Assert.Equal(expected, r.Code);
        Assert.False(r.Body.GetProperty("ok").GetBoolean());
        Assert.Equal(field, r.Body.GetProperty("field").GetString());
        Assert.Contains(messagePart, r.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_whole_episode_through_every_route()
    {
        var id = await StartAsync();
        var act = await PostAsync($"/{id}/act", """{"observation": [0.01, -0.02, 0.03, 0.0], "action_mask": [true, true]}""");
        Assert.Equal(HttpStatusCode.OK, act.Code);
        Assert.InRange(act.Body.GetProperty("action").GetInt32(), 0, 1);
        Assert.Equal(0, act.Body.GetProperty("step").GetInt64());
        Assert.True(act.Body.GetProperty("weights_version").GetInt64() >= 0);

        var reward = await PostAsync($"/{id}/log-returns", """{"reward": 1.5}""");
        Assert.Equal(HttpStatusCode.OK, reward.Code);
        Assert.True(reward.Body.GetProperty("ok").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/{id}/log-returns", """{"reward": 0.5, "step": 0}""")).Code);

        var logged = await PostAsync($"/{id}/log-action", """{"observation": [0.0, 0.0, 0.0, 0.0], "action": 1}""");
        Assert.Equal(HttpStatusCode.OK, logged.Code);
        Assert.Equal(1, logged.Body.GetProperty("step").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/{id}/log-returns", """{"reward": 1.0}""")).Code);

        var end = await PostAsync($"/{id}/end", """{"observation": [0.1, 0.1, 0.1, 0.1], "terminated": true}""");
        Assert.Equal(HttpStatusCode.OK, end.Code);
        Assert.Equal(3.0, end.Body.GetProperty("episode_return").GetDouble());
    }

    [Theory]
    [InlineData("""{"observation": [1, 2, 3""", "body", "not valid JSON")]
    [InlineData("""{"observation": [1, 2, 3]}""", "observation", "must have 4 values, got 3")]
    [InlineData("""{"observation": [1, 2, 3, NaN]}""", "body", "no NaN or Infinity")]
    [InlineData("""{"observation": [1, 2, 3, 1e999]}""", "observation", "finite")]
    [InlineData("""{"observation": [1, 2, 3, 4], "action_mask": [false, false]}""", "action_mask", "at least one action")]
    [InlineData("""{"observation": [1, 2, 3, 4], "action_mask": [true]}""", "action_mask", "must have 2 values")]
    [InlineData("""{"obs": [1, 2, 3, 4]}""", "obs", "allowed: observation, action_mask")]
    [InlineData("""{"observation": "1,2,3,4"}""", "observation", "must be a list of numbers")]
    public async Task Bad_act_bodies_are_400_naming_the_field(string body, string field, string message)
    {
        var id = await StartAsync();
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/act", body), field, message);
        await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}""");
    }

    [Fact]
    public async Task Other_bad_bodies_are_400_naming_the_field()
    {
        var id = await StartAsync();
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/log-action", """{"observation": [0, 0, 0, 0], "action": 2}"""), "action", "between 0 and 1");
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/log-returns", """{"reward": "one"}"""), "reward", "finite number");
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/log-returns", """{"step": 0}"""), "reward", "required");
        AssertError(HttpStatusCode.BadRequest, await PostAsync("", """{"training": "yes"}"""), "training", "true or false");
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/end", """{"terminated": true}"""), "observation", "required");
        await PostAsync($"/{id}/act", """{"observation": [0, 0, 0, 0]}""");
        AssertError(HttpStatusCode.BadRequest, await PostAsync($"/{id}/log-returns", """{"reward": 1, "step": 9}"""), "step", "between 0 and 0");
        await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}""");
    }

    [Fact]
    public async Task Unknown_episodes_are_404_on_every_route()
    {
        foreach (var (route, body) in new[] { ("act", """{"observation": [0, 0, 0, 0]}"""), ("log-returns", """{"reward": 1}"""),
                     ("log-action", """{"observation": [0, 0, 0, 0], "action": 0}"""), ("end", """{"observation": [0, 0, 0, 0]}""") })
            AssertError(HttpStatusCode.NotFound, await PostAsync($"/no-such-episode/{route}", body), "id", "no open episode 'no-such-episode'");
    }

    [Fact]
    public async Task Acting_on_an_ended_episode_and_rewarding_a_final_step_are_409()
    {
        var id = await StartAsync();
        await PostAsync($"/{id}/act", """{"observation": [0, 0, 0, 0]}""");
        await PostAsync($"/{id}/act", """{"observation": [0, 0, 0, 1]}""");
        // max-reward-delay is 0: step 0 becomes final at the trainer's next collect after step 1 exists. Wait for that answer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (HttpStatusCode Code, JsonElement Body) late;
        while ((late = await PostAsync($"/{id}/log-returns", """{"reward": 1, "step": 0}""")).Code == HttpStatusCode.OK)
            Assert.True(DateTime.UtcNow < deadline, "step 0 never became final");
        AssertError(HttpStatusCode.Conflict, late, "step", "already final");

        await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0], "terminated": false}""");
        AssertError(HttpStatusCode.Conflict, await PostAsync($"/{id}/act", """{"observation": [0, 0, 0, 0]}"""), "id", "has ended");
        AssertError(HttpStatusCode.Conflict, await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}"""), "id", "has ended");
    }

    [Fact]
    public async Task A_body_that_is_too_large_is_413()
    {
        var id = await StartAsync();
        var huge = "{\"observation\": [" + string.Join(",", Enumerable.Repeat("0.0", 40_000)) + "]}";
        AssertError(HttpStatusCode.RequestEntityTooLarge, await PostAsync($"/{id}/act", huge), "body", "at most");
        await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}""");
    }

    [Fact]
    public async Task More_open_episodes_than_max_external_episodes_is_429()
    {
        // The fixture allows 3; other tests end theirs, and this class's tests run one at a time.
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await StartAsync(training: i % 2 == 0));
        AssertError(HttpStatusCode.TooManyRequests, await PostAsync("", """{"training": true}"""), "max-external-episodes", "3 episodes are open");
        foreach (var id in ids) Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}""")).Code);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("", "")).Code); // an empty body starts a training episode
    }

    [Fact]
    public async Task A_missing_token_is_401_where_one_is_required()
    {
        await using var guarded = await DashboardServer.StartAsync(run.Run.Control,
            new DashboardOptions { Urls = "http://127.0.0.1:0", ControlToken = "s3cret", External = run.Run.External },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{guarded.BaseAddress.Port}/") };
        var r = await PostAsync("", """{"training": true}""", http);
        Assert.Equal(HttpStatusCode.Unauthorized, r.Code);
        Assert.Contains("Bearer", r.Body.GetProperty("error").GetString());
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        var ok = await PostAsync("", """{"training": true}""", http);
        Assert.Equal(HttpStatusCode.Created, ok.Code);
        await PostAsync($"/{ok.Body.GetProperty("episode_id").GetString()}/end", """{"observation": [0, 0, 0, 0]}""", http);
    }

    [Fact]
    public async Task Status_shows_the_external_runner_and_its_counters()
    {
        var id = await StartAsync();
        for (var i = 0; i < 5; i++) await PostAsync($"/{id}/act", """{"observation": [0, 0, 0, 0]}""");
        await PostAsync($"/{id}/end", """{"observation": [0, 0, 0, 0]}""");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        TrainingStatus s;
        while ((s = await run.Run.Control.GetStatusAsync(CancellationToken.None)).External is not { Steps: >= 5 } || s.EnvSteps < 5)
            Assert.True(DateTime.UtcNow < deadline, "status never showed the external steps");
        var runner = Assert.Single(s.Runners);
        Assert.Equal("external", runner.Node);
        Assert.True(runner.Up);
        Assert.Null(s.External!.GateAgreementRate); // no gate in this run
    }
}
