using System.Net.Http.Json;
using System.Text.Json;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>The learner node's dashboard API (/api/status, /api/stop, commands) as the tests read it.</summary>
public sealed class LearnerApi(int port) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<Status?> TryStatusAsync()
    {
        try
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync("/api/status"));
            return new Status(doc.RootElement.Clone());
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Asks again each time the learner prints (its status changes are what it logs) until <paramref name="condition"/> holds; throws with the last status otherwise.</summary>
    public async Task<Status> WaitForAsync(Func<Status, bool> condition, TimeSpan timeout, string what, NodeProcess learner)
    {
        var until = DateTime.UtcNow + timeout;
        Status? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await TryStatusAsync() ?? last;
            if (last is not null && condition(last)) return last;
            if (learner.HasExited) break;
            await learner.NextOutputAsync(TimeSpan.FromSeconds(2));
        }
        throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s; last status: {last?.Root.ToString() ?? "none"}\nlearner output:\n{learner.Tail()}");
    }

    public async Task StopAsync()
    {
        using var response = await _http.PostAsync("/api/stop", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>POSTs a JSON command body; returns the status code and the answer's JSON.</summary>
    public async Task<(int Code, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await _http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    public void Dispose() => _http.Dispose();

    public sealed class Status(JsonElement root)
    {
        public JsonElement Root { get; } = root;
        public long WeightsVersion => Get("weightsVersion").GetInt64();
        public long Updates => Get("updates").GetInt64();
        public long EnvSteps => Get("envSteps").GetInt64();
        public string State => Get("state").ToString().ToLowerInvariant();
        public double FrameFps => Get("frameFps").GetDouble();
        public int? WatchedRunner => Get("watchedRunner") is { ValueKind: JsonValueKind.Number } w ? w.GetInt32() : null;

        public IEnumerable<(string Node, string Role, int Runners, bool Up)> Members =>
            Get("members").EnumerateArray().Select(m => (Str(m, "node"), Str(m, "role"), Prop(m, "runners").GetInt32(), Prop(m, "up").GetBoolean()));

        public IEnumerable<(int Id, string Node, long WeightsVersion, bool Up)> Runners =>
            Get("runners").EnumerateArray().Select(r => (Prop(r, "id").GetInt32(), Str(r, "node"), Prop(r, "weightsVersion").GetInt64(), Prop(r, "up").GetBoolean()));

        public IEnumerable<(int Id, string Node, long EnvSteps, bool Watched)> RunnerActivity =>
            Get("runners").EnumerateArray().Select(r => (Prop(r, "id").GetInt32(), Str(r, "node"), Prop(r, "envSteps").GetInt64(), Prop(r, "watched").GetBoolean()));

        public bool MemberUp(string node) => Members.Any(m => m.Node == node && m.Up);

        public bool MemberDown(string node) => Members.Any(m => m.Node == node && !m.Up);

        private JsonElement Get(string name) => Prop(Root, name);

        private static string Str(JsonElement e, string name) => Prop(e, name).GetString() ?? "";

        private static JsonElement Prop(JsonElement e, string name)
        {
            foreach (var p in e.EnumerateObject())
                if (string.Equals(p.Name.Replace("_", "", StringComparison.Ordinal), name, StringComparison.OrdinalIgnoreCase)) return p.Value;
            throw new KeyNotFoundException($"status has no '{name}': {e}");
        }
    }
}
