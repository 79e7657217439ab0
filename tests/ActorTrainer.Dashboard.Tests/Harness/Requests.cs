using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>One request to a running dashboard with the headers a browser or an attacker's page would set.</summary>
internal static class Requests
{
    internal sealed record Answer(HttpStatusCode Code, string Body, HttpResponseHeaders Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

        /// <summary>The "kind" of a JSON error or Controller answer.</summary>
        public string? Kind => Json.GetProperty("kind").GetString();
    }

    public static async Task<Answer> SendAsync(RunningDashboard d, string method, string path, string? host = null, string? origin = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        if (host is not null) request.Headers.Host = host;
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        using var response = await d.Http.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    /// <summary>A body with exactly this Content-Type header (or none), as a form or fetch would send it.</summary>
    public static HttpContent Body(string text, string? contentType)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }
}
