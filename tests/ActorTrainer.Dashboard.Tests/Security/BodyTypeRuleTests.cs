using System.Net;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using static ActorTrainer.Dashboard.Tests.Harness.Requests;

namespace ActorTrainer.Dashboard.Tests.Security;

/// <summary>
/// The body rule: what a page of another site can send without asking the server first (a form, text/plain) is
/// refused with 415 whatever the route; JSON, or no body at all for the commands without fields, passes.
/// </summary>
[Collection(RealTrainingCollection.Name)]
public sealed class BodyTypeRuleTests(SharedTraining shared)
{
    [Theory]
    [InlineData("api/resume", "", "text/plain")]
    [InlineData("api/resume", "x", "text/plain;charset=UTF-8")]
    [InlineData("api/resume", "a=1", "application/x-www-form-urlencoded")]
    [InlineData("api/stop", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n", "multipart/form-data; boundary=b")]
    [InlineData("api/resume", "{}", null)]
    [InlineData("api/resume", "{}", "application/json; charset=utf-16")]
    [InlineData("api/resume", "{}", "application/jsonx")]
    [InlineData("api/visual", """{"runner": 1, "on": true}""", "text/plain")]
    [InlineData("api/speed", """{"fps": 3}""", "application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_is_415_and_changes_nothing(string path, string body, string? contentType)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await SendAsync(d, "POST", path, content: Body(body, contentType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Code);
        Assert.Equal("unsupported_media_type", r.Kind);
        Assert.Contains("application/json", r.Json.GetProperty("error").GetString());
        var status = await shared.Training.StatusAsync();
        Assert.Equal(RunState.Paused, status.State);
        Assert.Null(status.WatchedRunner);
        Assert.Equal(1, d.Server.Refusals.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null, null)]                               // curl -X POST, ctl: no body, no Content-Type
    [InlineData("", "application/json")]
    [InlineData("{}", "application/json")]
    [InlineData("{}", "Application/JSON; charset=utf-8")]
    public async Task No_body_or_an_empty_json_object_reaches_the_controller(string? body, string? contentType)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await SendAsync(d, "POST", "api/pause", content: body is null ? null : Body(body, contentType));
        Assert.Equal(HttpStatusCode.Conflict, r.Code); // the Controller's "already paused"
        Assert.Equal("wrong_state", r.Kind);
    }

    [Fact]
    public async Task A_json_body_with_fields_on_a_command_without_fields_is_400_naming_the_field()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await SendAsync(d, "POST", "api/resume", content: Body("""{"force": true}""", "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.Code);
        Assert.Equal("force", r.Json.GetProperty("field").GetString());
        Assert.Contains("no fields", r.Json.GetProperty("error").GetString());
        var notJson = await SendAsync(d, "POST", "api/resume", content: Body("pause please", "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.Code);
        Assert.Equal("body", notJson.Json.GetProperty("field").GetString());
        Assert.Equal(RunState.Paused, (await shared.Training.StatusAsync()).State);
    }

    [Fact]
    public async Task The_ctl_client_still_works()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: "ctl-test-token");
        using var client = new ActorTrainer.Dashboard.Client.ControlApiClient(d.LocalBase, "ctl-test-token");
        var (code, body) = await client.SendAsync("pause", CancellationToken.None);
        Assert.Equal(409, code);
        Assert.Equal("paused", JsonDocument.Parse(body).RootElement.GetProperty("state").GetString());
    }
}
