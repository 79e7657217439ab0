using System.Net;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Checkpoints;

namespace ActorTrainer.Dashboard.Tests.Api;

/// <summary>The control API over a real training: every answer below is the real Controller's.</summary>
[Collection(RealTrainingCollection.Name)]
public sealed class ApiTests(SharedTraining shared)
{
    internal static async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(RunningDashboard d, string path, string? json = null)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var res = await d.Http.PostAsync(path, content);
        return (res.StatusCode, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    internal static async Task<JsonElement> StatusAsync(RunningDashboard d)
    {
        using var res = await d.Http.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Status_is_the_controllers_in_snake_case_with_lowercase_state()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var s = await StatusAsync(d);
        Assert.Equal("paused", s.GetProperty("state").GetString()); // the shared training is paused once warm
        Assert.Equal(shared.Training.Run.Directory.RunId, s.GetProperty("run_id").GetString());
        Assert.Equal("CartPole-v1", s.GetProperty("env").GetString());
        Assert.True(s.GetProperty("env_steps").GetInt64() > 0);
        Assert.True(s.GetProperty("updates").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, s.GetProperty("episodes").ValueKind);
        Assert.True(s.GetProperty("weights_version").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, s.GetProperty("best_eval_return").ValueKind); // warm = evaluated once
        Assert.Equal(shared.Training.Run.Config.ReplayCapacity, s.GetProperty("replay_capacity").GetInt32());
        var runners = s.GetProperty("runners");
        Assert.Equal(2, runners.GetArrayLength());
        Assert.Equal(1, runners[1].GetProperty("id").GetInt32());
        Assert.False(runners[1].GetProperty("watched").GetBoolean());
        Assert.True(runners[1].GetProperty("up").GetBoolean());
    }

    [Fact]
    public async Task Pause_stops_the_steps_resume_continues_and_wrong_state_is_409_with_the_current_state()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control);

        var resume = await PostAsync(d, "api/resume");
        Assert.Equal(HttpStatusCode.Conflict, resume.Code);
        Assert.Equal("running", resume.Body.GetProperty("state").GetString());
        Assert.Equal("wrong_state", resume.Body.GetProperty("kind").GetString());
        Assert.Contains("running", resume.Body.GetProperty("error").GetString());

        var pause = await PostAsync(d, "api/pause");
        Assert.Equal(HttpStatusCode.OK, pause.Code);
        Assert.True(pause.Body.GetProperty("ok").GetBoolean());
        Assert.Equal("paused", pause.Body.GetProperty("state").GetString());
        Assert.Equal("paused", (await StatusAsync(d)).GetProperty("state").GetString());

        // Runner counts reach the Controller every 0.5 s, so reports in flight may still land after the pause:
        // wait tick by tick (the run publishes one a second) until the count is the same at two ticks in a row,
        // then it must stand still for three more ticks.
        using var ticks = t.Ticks();
        await ticks.NextAsync(LiveTraining.GiveUp);
        var pausedAt = (await StatusAsync(d)).GetProperty("env_steps").GetInt64();
        for (var i = 0; ; i++)
        {
            await ticks.NextAsync(LiveTraining.GiveUp);
            var now = (await StatusAsync(d)).GetProperty("env_steps").GetInt64();
            if (now == pausedAt) break;
            pausedAt = now;
            Assert.True(i < 10, $"env steps still moved {i + 1} ticks after the pause: {now}");
        }
        for (var i = 0; i < 3; i++)
        {
            await ticks.NextAsync(LiveTraining.GiveUp);
            Assert.Equal(pausedAt, (await StatusAsync(d)).GetProperty("env_steps").GetInt64());
        }

        var again = await PostAsync(d, "api/pause");
        Assert.Equal(HttpStatusCode.Conflict, again.Code);
        Assert.Equal("paused", again.Body.GetProperty("state").GetString());
        Assert.Equal("wrong_state", again.Body.GetProperty("kind").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(d, "api/resume")).Code);
        Assert.Equal("running", (await StatusAsync(d)).GetProperty("state").GetString());
        await t.WaitForAsync(s => s.EnvSteps > pausedAt, "env steps to advance after resume");
    }

    [Fact]
    public async Task Save_writes_latest_and_stop_ends_the_run_after_which_commands_are_409()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control);
        var latest = t.Run.Directory.Latest;

        var save = await PostAsync(d, "api/save");
        Assert.Equal(HttpStatusCode.OK, save.Code);
        Assert.Equal("running", save.Body.GetProperty("state").GetString());
        Assert.NotNull(latest.ResolveReadable()); // the Controller answers a save once latest/ is on disk
        Assert.True(File.Exists(Path.Combine(latest.ResolveReadable()!, CheckpointStore.ModelFileName)));

        var stop = await PostAsync(d, "api/stop");
        Assert.Equal(HttpStatusCode.OK, stop.Code);
        Assert.Equal("stopping", stop.Body.GetProperty("state").GetString());

        var summary = await t.Run.Completion.WaitAsync(LiveTraining.GiveUp);
        Assert.Null(summary.Error);
        Assert.Equal("stopped", (await StatusAsync(d)).GetProperty("state").GetString());

        foreach (var path in new[] { "api/stop", "api/save", "api/pause", "api/resume" })
        {
            var r = await PostAsync(d, path);
            Assert.Equal(HttpStatusCode.Conflict, r.Code);
            Assert.Equal("stopped", r.Body.GetProperty("state").GetString());
            Assert.Equal("wrong_state", r.Body.GetProperty("kind").GetString());
        }
    }

    [Fact]
    public async Task Visual_on_and_off_reaches_the_controller_and_shows_in_status()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        try
        {
            var on = await PostAsync(d, "api/visual", """{"runner": 1, "on": true, "fps": 12.5}""");
            Assert.Equal(HttpStatusCode.OK, on.Code);
            var s = await StatusAsync(d);
            Assert.Equal(1, s.GetProperty("watched_runner").GetInt32());
            Assert.True(s.GetProperty("runners")[1].GetProperty("watched").GetBoolean());
            Assert.Equal(12.5, s.GetProperty("frame_fps").GetDouble());

            var speed = await PostAsync(d, "api/speed", """{"fps": 5}""");
            Assert.Equal(HttpStatusCode.OK, speed.Code);
            Assert.Equal(5, (await StatusAsync(d)).GetProperty("frame_fps").GetDouble());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(d, "api/visual", """{"runner": 1, "on": false}""")).Code);
        }
        Assert.Equal(JsonValueKind.Null, (await StatusAsync(d)).GetProperty("watched_runner").ValueKind);
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("""{"on": true}""", "runner")]
    [InlineData("""{"runner": "1", "on": true}""", "runner")]
    [InlineData("""{"runner": -1, "on": true}""", "runner")]
    [InlineData("""{"runner": 1.5, "on": true}""", "runner")]
    [InlineData("""{"runner": 1}""", "on")]
    [InlineData("""{"runner": 1, "on": "yes"}""", "on")]
    [InlineData("""{"runner": 1, "on": true, "fps": "fast"}""", "fps")]
    [InlineData("""{"runner": 1, "on": true, "fps": 0}""", "fps")]
    [InlineData("""{"runner": 1, "on": true, "colour": "red"}""", "colour")]
    public async Task Malformed_visual_body_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await PostAsync(d, "api/visual", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal(field, r.Body.GetProperty("field").GetString());
        Assert.Contains(field, r.Body.GetProperty("error").GetString());
        Assert.Equal("invalid_argument", r.Body.GetProperty("kind").GetString());
        // Several of these bodies would turn visual mode on if they reached the Controller.
        Assert.Equal(JsonValueKind.Null, (await StatusAsync(d)).GetProperty("watched_runner").ValueKind);
    }

    [Fact]
    public async Task Unknown_runner_and_out_of_range_fps_are_the_controllers_400()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await PostAsync(d, "api/visual", """{"runner": 7, "on": true}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal("runner", r.Body.GetProperty("field").GetString());
        Assert.Contains("runner", r.Body.GetProperty("error").GetString());
        Assert.Contains("7", r.Body.GetProperty("error").GetString());
        Assert.Equal("invalid_argument", r.Body.GetProperty("kind").GetString());
        Assert.Equal("paused", r.Body.GetProperty("state").GetString());

        var tooFast = await PostAsync(d, "api/visual", """{"runner": 0, "on": true, "fps": 1000}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooFast.Code);
        Assert.Equal("fps", tooFast.Body.GetProperty("field").GetString());
        Assert.Contains("fps", tooFast.Body.GetProperty("error").GetString());
        var speed = await PostAsync(d, "api/speed", """{"fps": 500}""");
        Assert.Equal(HttpStatusCode.BadRequest, speed.Code);
        Assert.Contains("fps", speed.Body.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, (await StatusAsync(d)).GetProperty("watched_runner").ValueKind);
    }

    [Theory]
    [InlineData("{}", "fps")]
    [InlineData("""{"fps": "fast"}""", "fps")]
    [InlineData("""{"fps": -2}""", "fps")]
    [InlineData("""{"fps": 10, "runner": 1}""", "runner")]
    public async Task Malformed_speed_body_is_400_naming_the_field(string body, string field)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await PostAsync(d, "api/speed", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal(field, r.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Metrics_returns_recent_history_oldest_first_and_rejects_a_bad_max()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var samples = JsonDocument.Parse(await d.Http.GetStringAsync("api/metrics")).RootElement.Clone();
        Assert.True(samples.GetArrayLength() >= 3);
        var times = samples.EnumerateArray().Select(s => s.GetProperty("time").GetDouble()).ToList();
        Assert.Equal(times.Order(), times);
        var steps = samples.EnumerateArray().Select(s => s.GetProperty("env_steps").GetInt64()).ToList();
        Assert.True(steps[^1] > steps[0]);
        Assert.Contains(samples.EnumerateArray(), s => s.GetProperty("kind").GetString() == "tick");
        Assert.Contains(samples.EnumerateArray(), s => s.GetProperty("kind").GetString() == "eval" && s.GetProperty("eval_return").ValueKind == JsonValueKind.Number);

        var two = JsonDocument.Parse(await d.Http.GetStringAsync("api/metrics?max=2")).RootElement;
        Assert.Equal(2, two.GetArrayLength());

        using var bad = await d.Http.GetAsync("api/metrics?max=zero");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("max", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_and_uplot_from_npm_are_served()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var html = await d.Http.GetStringAsync("/");
        Assert.Contains("lib/uPlot.iife.min.js", html);
        Assert.Contains("app.js", html);
        using var lib = await d.Http.GetAsync("lib/uPlot.iife.min.js");
        Assert.Equal(HttpStatusCode.OK, lib.StatusCode);
        Assert.Equal("text/javascript", lib.Content.Headers.ContentType?.MediaType);
        Assert.Contains("uPlot", await lib.Content.ReadAsStringAsync());
        using var missing = await d.Http.GetAsync("nothing-here.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
