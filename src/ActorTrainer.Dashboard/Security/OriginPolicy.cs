using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// Which pages may send state-changing requests (POST, the WebSocket upgrade). Browsers put the page's origin on
/// every such request, so a request whose Origin is neither the dashboard's own (the scheme and Host it was reached
/// by, Host having passed <see cref="HostPolicy"/>) nor a configured one comes from another site's page. No Origin
/// means no browser page (curl, ctl, the .NET client) and is left to the token rule. "null" (sandboxed frames,
/// file: pages) is never allowed.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly FrozenSet<string> _allowed;

    public OriginPolicy(IReadOnlyList<string> allowedOrigins)
    {
        _allowed = allowedOrigins.Select(ParseAllowed).ToFrozenSet(StringComparer.Ordinal);
    }

    public bool Allows(string origin, HttpRequest request)
    {
        if (!TryNormalize(origin, out var o)) return false;
        if (_allowed.Contains(o)) return true;
        return TryNormalize($"{request.Scheme}://{request.Host.Value}", out var own) && own == o;
    }

    /// <summary>Checks one --allowed-origins entry; returns it as scheme://host:port.</summary>
    public static string ParseAllowed(string entry)
    {
        if (TryNormalize(entry.Trim().TrimEnd('/'), out var o)) return o;
        throw new DashboardStartException(
            $"allowed origin '{entry}' is not valid: give scheme://host[:port] with no path, e.g. https://trainer.example.com or http://127.0.0.1:8080 ('*' and 'null' are never allowed)");
    }

    // An origin is scheme://host[:port] and nothing else; the port is made explicit so that http://x and
    // http://x:80 compare equal.
    private static bool TryNormalize(string text, out string normalized)
    {
        normalized = "";
        if (text.Length == 0 || text.EndsWith('/') || !Uri.TryCreate(text, UriKind.Absolute, out var u)) return false;
        if (u.Scheme is not ("http" or "https") || u.UserInfo.Length > 0 || u.PathAndQuery != "/" || u.Fragment.Length > 0) return false;
        normalized = $"{u.Scheme}://{u.Host}:{u.Port}";
        return true;
    }
}
