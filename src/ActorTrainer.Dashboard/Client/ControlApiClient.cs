using System.Net.Http.Headers;

namespace ActorTrainer.Dashboard.Client;

/// <summary>
/// A thin client of the control API (what `actortrainer ctl` uses). It returns the server's status code and JSON
/// body untouched, so callers print the Controller's own answer. Network failures surface as
/// <see cref="HttpRequestException"/> or, after <see cref="Timeout"/>, <see cref="TaskCanceledException"/>.
/// </summary>
public sealed class ControlApiClient : IDisposable
{
    /// <summary>The commands the API knows, mapped to their routes.</summary>
    public static IReadOnlyDictionary<string, (HttpMethod Method, string Path)> Commands { get; } =
        new Dictionary<string, (HttpMethod, string)>(StringComparer.Ordinal)
        {
            ["status"] = (HttpMethod.Get, "api/status"),
            ["pause"] = (HttpMethod.Post, "api/pause"),
            ["resume"] = (HttpMethod.Post, "api/resume"),
            ["stop"] = (HttpMethod.Post, "api/stop"),
            ["save"] = (HttpMethod.Post, "api/save"),
        };

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;

    public ControlApiClient(Uri baseAddress, string? token)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = new HttpClient { BaseAddress = root, Timeout = Timeout };
        if (!string.IsNullOrEmpty(token))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Runs one of <see cref="Commands"/>; returns the HTTP status code and the body.</summary>
    public async Task<(int StatusCode, string Body)> SendAsync(string command, CancellationToken ct)
    {
        if (!Commands.TryGetValue(command, out var route))
            throw new ArgumentException($"unknown command '{command}'; known: {string.Join(", ", Commands.Keys)}", nameof(command));
        using var request = new HttpRequestMessage(route.Method, route.Path);
        using var response = await _http.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public void Dispose() => _http.Dispose();
}
