using System.Net;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Simulation;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Api;

public sealed class ApiTests
{
    private static async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(RunningDashboard d, string path, string? json = null)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var res = await d.Http.PostAsync(path, content);
        return (res.StatusCode, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<JsonElement> StatusAsync(RunningDashboard d)
    {
        using var res = await d.Http.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Status_uses_snake_case_names_and_lowercase_state()
    {
        await using var d = await RunningDashboard.StartAsync();
        var s = await StatusAsync(d);
        Assert.Equal("running", s.GetProperty("state").GetString());
        Assert.Equal("sim-run", s.GetProperty("run_id").GetString());
        Assert.Equal(JsonValueKind.Number, s.GetProperty("env_steps").ValueKind);
        Assert.Equal(JsonValueKind.Number, s.GetProperty("updates").ValueKind);
        Assert.Equal(JsonValueKind.Number, s.GetProperty("episodes").ValueKind);
        Assert.Equal(JsonValueKind.Number, s.GetProperty("weights_version").ValueKind);
        Assert.Equal(JsonValueKind.Null, s.GetProperty("best_eval_return").ValueKind); // no evaluation yet
        Assert.Equal(100_000, s.GetProperty("replay_capacity").GetInt32());
        var runners = s.GetProperty("runners");
        Assert.Equal(2, runners.GetArrayLength());
        Assert.Equal(1, runners[1].GetProperty("id").GetInt32());
        Assert.False(runners[1].GetProperty("watched").GetBoolean());
    }

    [Fact]
    public async Task Pause_and_resume_follow_the_controller_and_wrong_state_is_409_with_the_current_state()
    {
        await using var d = await RunningDashboard.StartAsync();

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

        var again = await PostAsync(d, "api/pause");
        Assert.Equal(HttpStatusCode.Conflict, again.Code);
        Assert.Equal("paused", again.Body.GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(d, "api/resume")).Code);
        Assert.Equal("running", (await StatusAsync(d)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Save_reaches_the_controller_and_stop_ends_the_run_after_which_commands_are_409()
    {
        await using var d = await RunningDashboard.StartAsync();
        var save = await PostAsync(d, "api/save");
        Assert.Equal(HttpStatusCode.OK, save.Code);
        Assert.Equal(1, d.Training.Saves);
        Assert.IsType<SaveNow>(d.Training.Received.Single());

        var stop = await PostAsync(d, "api/stop");
        Assert.Equal(HttpStatusCode.OK, stop.Code);
        Assert.Equal("stopping", stop.Body.GetProperty("state").GetString());
        Assert.IsType<Stop>(d.Training.Received.Last());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await StatusAsync(d)).GetProperty("state").GetString() != "stopped" && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal("stopped", (await StatusAsync(d)).GetProperty("state").GetString());

        foreach (var path in new[] { "api/stop", "api/save", "api/pause", "api/resume" })
        {
            var r = await PostAsync(d, path);
            Assert.Equal(HttpStatusCode.Conflict, r.Code);
            Assert.Equal("stopped", r.Body.GetProperty("state").GetString());
        }
        Assert.Equal(1, d.Training.Saves);
    }

    [Fact]
    public async Task Visual_on_and_off_is_passed_to_the_controller_and_shows_in_status()
    {
        await using var d = await RunningDashboard.StartAsync();
        var on = await PostAsync(d, "api/visual", """{"runner": 1, "on": true, "fps": 12.5}""");
        Assert.Equal(HttpStatusCode.OK, on.Code);
        Assert.Equal(new SetVisual(1, true, 12.5), d.Training.Received.Last());
        var s = await StatusAsync(d);
        Assert.Equal(1, s.GetProperty("watched_runner").GetInt32());
        Assert.True(s.GetProperty("runners")[1].GetProperty("watched").GetBoolean());
        Assert.Equal(12.5, s.GetProperty("frame_fps").GetDouble());

        var speed = await PostAsync(d, "api/speed", """{"fps": 5}""");
        Assert.Equal(HttpStatusCode.OK, speed.Code);
        Assert.Equal(new SetSpeed(5), d.Training.Received.Last());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(d, "api/visual", """{"runner": 1, "on": false}""")).Code);
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
    public async Task Malformed_visual_body_is_400_naming_the_field_and_never_reaches_the_controller(string body, string field)
    {
        await using var d = await RunningDashboard.StartAsync();
        var r = await PostAsync(d, "api/visual", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal(field, r.Body.GetProperty("field").GetString());
        Assert.Contains(field, r.Body.GetProperty("error").GetString());
        Assert.Equal("invalid_argument", r.Body.GetProperty("kind").GetString());
        Assert.Empty(d.Training.Received);
    }

    [Fact]
    public async Task Unknown_runner_is_the_controllers_400()
    {
        await using var d = await RunningDashboard.StartAsync();
        var r = await PostAsync(d, "api/visual", """{"runner": 7, "on": true}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Contains("runner 7", r.Body.GetProperty("error").GetString());
        Assert.Equal("running", r.Body.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("{}", "fps")]
    [InlineData("""{"fps": "fast"}""", "fps")]
    [InlineData("""{"fps": -2}""", "fps")]
    [InlineData("""{"fps": 10, "runner": 1}""", "runner")]
    public async Task Malformed_speed_body_is_400_naming_the_field(string body, string field)
    {
        await using var d = await RunningDashboard.StartAsync();
        var r = await PostAsync(d, "api/speed", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal(field, r.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Speed_without_a_watched_runner_is_409_and_out_of_range_fps_is_the_controllers_400()
    {
        await using var d = await RunningDashboard.StartAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(d, "api/speed", """{"fps": 10}""")).Code);
        var tooFast = await PostAsync(d, "api/visual", """{"runner": 0, "on": true, "fps": 1000}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooFast.Code);
        Assert.Contains("fps", tooFast.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Metrics_returns_recent_history_oldest_first_and_rejects_a_bad_max()
    {
        await using var d = await RunningDashboard.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement samples;
        do
        {
            await Task.Delay(100);
            samples = JsonDocument.Parse(await d.Http.GetStringAsync("api/metrics")).RootElement.Clone();
        } while (samples.GetArrayLength() < 3 && DateTime.UtcNow < deadline);
        Assert.True(samples.GetArrayLength() >= 3);
        Assert.True(samples[1].GetProperty("env_steps").GetInt64() > samples[0].GetProperty("env_steps").GetInt64());
        Assert.Equal("tick", samples[0].GetProperty("kind").GetString());

        var two = JsonDocument.Parse(await d.Http.GetStringAsync("api/metrics?max=2")).RootElement;
        Assert.Equal(2, two.GetArrayLength());

        using var bad = await d.Http.GetAsync("api/metrics?max=zero");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("max", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_and_uplot_from_npm_are_served()
    {
        await using var d = await RunningDashboard.StartAsync();
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
