using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ActorTrainer.Dashboard.Client;

/// <summary>
/// A .NET client of the external-episodes API, for a game or simulator written in .NET:
/// <code>
/// using var trainer = new ExternalEnvironmentClient(new Uri("http://127.0.0.1:5088"));
/// var episode = await trainer.StartEpisode();
/// var (action, step, _) = await trainer.Act(episode, observation);
/// await trainer.LogReturns(episode, reward);           // or later, with step: rewards may arrive late
/// var total = await trainer.End(episode, lastObservation, terminated: true);
/// </code>
/// Thread-safe: many episodes may run concurrently over one client. A refusal is an <see cref="ExternalApiException"/>
/// carrying the status code and the field the trainer named.
/// </summary>
public sealed class ExternalEnvironmentClient : IDisposable
{
    private const string Episodes = "api/external/episodes";
    private readonly HttpClient _http;

    public ExternalEnvironmentClient(Uri baseAddress, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = root, Timeout = TimeSpan.FromSeconds(60) };
        if (!string.IsNullOrEmpty(token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Starts an episode; <paramref name="training"/> false plays it greedily and counts its return as an evaluation.</summary>
    public async Task<string> StartEpisode(bool training = true, CancellationToken ct = default)
    {
        using var doc = await PostAsync(Episodes, training ? """{"training":true}""" : """{"training":false}""", ct);
        return doc.RootElement.GetProperty("episode_id").GetString()!;
    }

    /// <summary>The trainer's action for <paramref name="observation"/> (among those <paramref name="actionMask"/> allows), the step's index and the weights version.</summary>
    public async Task<(int Action, long Step, long WeightsVersion)> Act(string episodeId, ReadOnlyMemory<float> observation, ReadOnlyMemory<bool>? actionMask = null, CancellationToken ct = default)
    {
        var body = new StringBuilder(32 + observation.Length * 12).Append("{\"observation\":");
        AppendFloats(body, observation.Span);
        if (actionMask is { } mask)
        {
            body.Append(",\"action_mask\":[");
            for (var i = 0; i < mask.Length; i++) body.Append(i == 0 ? "" : ",").Append(mask.Span[i] ? "true" : "false");
            body.Append(']');
        }
        body.Append('}');
        using var doc = await PostAsync($"{Episodes}/{Uri.EscapeDataString(episodeId)}/act", body.ToString(), ct);
        var r = doc.RootElement;
        return (r.GetProperty("action").GetInt32(), r.GetProperty("step").GetInt64(), r.GetProperty("weights_version").GetInt64());
    }

    /// <summary>Adds <paramref name="reward"/> to step <paramref name="step"/> (null: the latest). Several calls add up.</summary>
    public async Task LogReturns(string episodeId, double reward, long? step = null, CancellationToken ct = default)
    {
        var body = step is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{{\"reward\":{reward:R},\"step\":{s}}}")
            : string.Create(CultureInfo.InvariantCulture, $"{{\"reward\":{reward:R}}}");
        using var _ = await PostAsync($"{Episodes}/{Uri.EscapeDataString(episodeId)}/log-returns", body, ct);
    }

    /// <summary>Records an action the game chose itself; returns the step's index.</summary>
    public async Task<long> LogAction(string episodeId, ReadOnlyMemory<float> observation, int action, CancellationToken ct = default)
    {
        var body = new StringBuilder(32 + observation.Length * 12).Append("{\"observation\":");
        AppendFloats(body, observation.Span);
        body.Append(",\"action\":").Append(action.ToString(CultureInfo.InvariantCulture)).Append('}');
        using var doc = await PostAsync($"{Episodes}/{Uri.EscapeDataString(episodeId)}/log-action", body.ToString(), ct);
        return doc.RootElement.GetProperty("step").GetInt64();
    }

    /// <summary>Ends the episode (<paramref name="terminated"/> false: truncated); returns its return so far.</summary>
    public async Task<double> End(string episodeId, ReadOnlyMemory<float> observation, bool terminated, CancellationToken ct = default)
    {
        var body = new StringBuilder(48 + observation.Length * 12).Append("{\"observation\":");
        AppendFloats(body, observation.Span);
        body.Append(",\"terminated\":").Append(terminated ? "true" : "false").Append('}');
        using var doc = await PostAsync($"{Episodes}/{Uri.EscapeDataString(episodeId)}/end", body.ToString(), ct);
        return doc.RootElement.GetProperty("episode_return").GetDouble();
    }

    private static void AppendFloats(StringBuilder sb, ReadOnlySpan<float> values)
    {
        sb.Append('[');
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            // JSON has no NaN or infinity; the trainer refuses them by name, so send what a JSON parser reads.
            sb.Append(float.IsFinite(values[i]) ? values[i].ToString("R", CultureInfo.InvariantCulture) : "null");
        }
        sb.Append(']');
    }

    private async Task<JsonDocument> PostAsync(string path, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var doc = bytes.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(bytes);
        if (response.IsSuccessStatusCode) return doc;
        using (doc)
        {
            var root = doc.RootElement;
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            var field = root.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            throw new ExternalApiException((int)response.StatusCode, field, $"{path}: HTTP {(int)response.StatusCode}: {error ?? "no message"}");
        }
    }

    public void Dispose() => _http.Dispose();
}
