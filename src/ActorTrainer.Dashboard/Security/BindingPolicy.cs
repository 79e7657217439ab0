using System.Net;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// The rule that keeps a training from being steerable by the whole network by accident: loopback may run
/// without a token, anything else may not.
/// </summary>
internal static class BindingPolicy
{
    public static IReadOnlyList<Uri> ParseUrls(string urls)
    {
        var parts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
            throw new DashboardStartException("dashboard URLs are empty; give one or more like http://127.0.0.1:5088 (separated by ';')");
        var result = new List<Uri>(parts.Length);
        foreach (var p in parts)
        {
            // Kestrel's wildcard hosts are not valid URI hosts; map them to the address they bind.
            var normalized = p.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new DashboardStartException($"dashboard URL '{p}' is not valid; use http://HOST:PORT, e.g. http://127.0.0.1:5088");
            result.Add(uri);
        }
        return result;
    }

    public static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Throws when a non-loopback URL is bound without a token.</summary>
    public static void Check(IReadOnlyList<Uri> urls, string? token)
    {
        if (token is not null) return;
        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count == 0) return;
        throw new DashboardStartException(
            $"refusing to serve the control API on non-loopback address {string.Join(", ", exposed.Select(u => u.Authority))} without a token: " +
            $"pass --control-token <secret> or set {DashboardOptions.TokenEnvironmentVariable}, or bind to 127.0.0.1");
    }
}
