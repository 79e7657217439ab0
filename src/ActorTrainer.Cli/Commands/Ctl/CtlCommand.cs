using System.Globalization;
using System.Text.Json;
using System.CommandLine;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Dashboard.Client;

namespace ActorTrainer.Cli.Commands.Ctl;

/// <summary>
/// `actortrainer ctl status|pause|resume|stop|save`: the dashboard's control API from a terminal.
/// Exit codes: 0 done, 1 refused (409 wrong state, 400 bad argument, or another HTTP error), 2 usage,
/// 3 unreachable, 4 unauthorized (401).
/// </summary>
public static class CtlCommand
{
    public const int ExitOk = 0;
    public const int ExitRefused = 1;
    public const int ExitUnreachable = 3;
    public const int ExitUnauthorized = 4;

    public static CliCommand Create()
    {
        var verbs = ControlApiClient.Commands.Keys.ToArray();
        var verb = new Argument<string>("command") { Description = $"what to do: {string.Join(", ", verbs)}" };
        verb.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !verbs.Contains(r.Tokens[0].Value))
                r.AddError($"unknown ctl command '{r.Tokens[0].Value}'; allowed: {string.Join(", ", verbs)}");
        });
        verb.CompletionSources.Add(verbs);
        var url = CliOptions.Text("--url", "the dashboard's address", "URL");
        url.DefaultValueFactory = _ => DashboardOptions.DefaultUrls;
        var token = CliOptions.Text("--token", $"the control token [default: ${DashboardOptions.TokenEnvironmentVariable}]", "TOKEN");
        var json = CliOptions.Flag("--json", "print the API's JSON answer as it is");
        var command = new CliCommand("ctl", "status|pause|resume|stop|save a running training through its dashboard's control API",
            "actortrainer ctl status", "actortrainer ctl pause --url http://127.0.0.1:5088",
            $"{DashboardOptions.TokenEnvironmentVariable}=secret actortrainer ctl stop --url http://10.0.0.5:5088 --json")
        {
            verb, url, token, json,
        };
        command.SetRun(ctx => RunAsync(ctx.Get(verb)!, ctx.Get(url)!, ctx.Get(token) ?? Environment.GetEnvironmentVariable(DashboardOptions.TokenEnvironmentVariable),
            ctx.Get(json), ctx.Out, ctx.Error, ctx.Cancellation));
        return command;
    }

    private static async Task<int> RunAsync(string verb, string urlText, string? token, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new UsageException($"--url must be an http(s) URL like http://127.0.0.1:5088, got '{urlText}'");

        using var client = new ControlApiClient(url, token);
        int code;
        string body;
        try
        {
            (code, body) = await client.SendAsync(verb, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = ex is TaskCanceledException ? $"no answer within {ControlApiClient.Timeout.TotalSeconds:0} s" : ex.Message;
            if (json) stdout.WriteLine(JsonSerializer.Serialize(new { ok = false, kind = "unreachable", error = why, url = url.AbsoluteUri }));
            stderr.WriteLine($"error: cannot reach the control API at {url}: {why}");
            return ExitUnreachable;
        }

        if (code == 401)
        {
            if (json) stdout.WriteLine(body);
            stderr.WriteLine($"error: unauthorized at {url}: pass --token or set {DashboardOptions.TokenEnvironmentVariable}");
            return ExitUnauthorized;
        }
        if (json)
        {
            stdout.WriteLine(body);
        }
        else if (code == 200)
        {
            stdout.Write(verb == "status" ? FormatStatus(body) : FormatResult(verb, body));
        }
        if (code == 200) return ExitOk;
        if (!json) stderr.WriteLine($"refused ({code}): {Describe(body)}");
        return ExitRefused;
    }

    private static string Describe(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var r = doc.RootElement;
            var error = r.TryGetProperty("error", out var e) ? e.GetString() : body;
            return r.TryGetProperty("state", out var s) ? $"{error} (state: {s.GetString()})" : error ?? body;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? "(empty answer)" : body;
        }
    }

    private static string FormatResult(string verb, string body)
    {
        using var doc = JsonDocument.Parse(body);
        return $"{verb}: done; state {doc.RootElement.GetProperty("state").GetString()}{Environment.NewLine}";
    }

    private static string FormatStatus(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var s = doc.RootElement;
        var w = new StringWriter(CultureInfo.InvariantCulture);
        string N(string name, string format = "N0") =>
            s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "-";
        var waiting = s.TryGetProperty("waiting_for", out var wf) && wf.ValueKind == JsonValueKind.String ? $" ({wf.GetString()})" : "";
        w.WriteLine($"state      {s.GetProperty("state").GetString()}{waiting}");
        w.WriteLine($"run        {s.GetProperty("run_id").GetString()} ({s.GetProperty("env").GetString()}), {N("elapsed_seconds")} s");
        w.WriteLine($"env steps  {N("env_steps")} ({N("env_steps_per_second")}/s)");
        w.WriteLine($"updates    {N("updates")} ({N("updates_per_second", "N1")}/s)");
        w.WriteLine($"episodes   {N("episodes")}, mean return {N("recent_mean_return", "N1")}");
        w.WriteLine($"eval       best {N("best_eval_return", "N1")}, last {N("last_eval_return", "N1")}");
        w.WriteLine($"weights    v{N("weights_version")}, loss {N("loss", "G4")}");
        w.WriteLine($"replay     {N("replay_size")} / {N("replay_capacity")}");
        foreach (var r in s.GetProperty("runners").EnumerateArray())
        {
            w.WriteLine($"runner {r.GetProperty("id").GetInt32(),-3} {r.GetProperty("node").GetString()}: {r.GetProperty("env_steps").GetInt64():N0} steps, " +
                        $"staleness {r.GetProperty("staleness").GetInt64()}{(r.GetProperty("watched").GetBoolean() ? ", watched" : "")}{(r.GetProperty("up").GetBoolean() ? "" : ", DOWN")}");
        }
        if (s.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.String)
            w.WriteLine($"error      {err.GetString()}");
        return w.ToString();
    }
}
