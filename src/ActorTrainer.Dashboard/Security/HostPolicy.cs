using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// Which Host header values the dashboard answers. A DNS-rebinding page reaches the server under a name of the
/// attacker's (evil.example, re-resolved to 127.0.0.1), so the browser sends that name as Host: refusing every name
/// the server was neither bound to nor told about keeps such a page from reading anything. An IP literal cannot be
/// rebound, so a wildcard binding (0.0.0.0, [::]) accepts any address literal on its port.
/// </summary>
internal sealed class HostPolicy
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly FrozenSet<string> _hostAndPort;
    private readonly FrozenSet<string> _anyPort;
    private readonly FrozenSet<int> _wildcardPorts;

    private HostPolicy(HashSet<string> hostAndPort, HashSet<string> anyPort, HashSet<int> wildcardPorts)
    {
        _hostAndPort = hostAndPort.ToFrozenSet(StringComparer.Ordinal);
        _anyPort = anyPort.ToFrozenSet(StringComparer.Ordinal);
        _wildcardPorts = wildcardPorts.ToFrozenSet();
    }

    /// <summary>
    /// <paramref name="boundAddresses"/> are the server's addresses as Kestrel reports them (http://127.0.0.1:5088,
    /// http://[::]:5088, http://localhost:5088); <paramref name="allowedHosts"/> were checked by <see cref="ParseAllowed"/>.
    /// </summary>
    public static HostPolicy Create(IEnumerable<string> boundAddresses, IReadOnlyList<string> allowedHosts)
    {
        var hostAndPort = new HashSet<string>(StringComparer.Ordinal);
        var anyPort = new HashSet<string>(StringComparer.Ordinal);
        var wildcardPorts = new HashSet<int>();
        foreach (var address in boundAddresses)
        {
            var scheme = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
            var authority = address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
            if (!TrySplit(authority, out var host, out var port)) continue;
            var p = port ?? DefaultPort(scheme);
            if (host is "0.0.0.0" or "[::]" or "*" or "+")
            {
                wildcardPorts.Add(p);
                foreach (var name in LoopbackNames) hostAndPort.Add($"{name}:{p}");
                // The machine's own name: what a colleague types; it is not the attacker's to re-resolve.
                hostAndPort.Add($"{Dns.GetHostName().ToLowerInvariant()}:{p}");
            }
            else if (IsLoopback(host))
            {
                foreach (var name in LoopbackNames) hostAndPort.Add($"{name}:{p}");
            }
            else
            {
                hostAndPort.Add($"{host}:{p}");
            }
        }
        foreach (var entry in allowedHosts)
        {
            var (host, port) = ParseAllowed(entry);
            if (port is null) anyPort.Add(host);
            else hostAndPort.Add($"{host}:{port}");
        }
        return new HostPolicy(hostAndPort, anyPort, wildcardPorts);
    }

    public bool Allows(HostString host, bool https)
    {
        if (!host.HasValue || !TrySplit(host.Value, out var name, out var port)) return false;
        var p = port ?? DefaultPort(https ? "https" : "http");
        if (_anyPort.Contains(name) || _hostAndPort.Contains($"{name}:{p}")) return true;
        return _wildcardPorts.Contains(p) && IsCanonicalAddressLiteral(name);
    }

    /// <summary>Checks one --allowed-hosts entry: a name or address with an optional port; returns it lower-cased.</summary>
    public static (string Host, int? Port) ParseAllowed(string entry)
    {
        var e = entry.Trim();
        if (e.Length > 0 && e.IndexOfAny(['/', '@', '?', '#', '*', ' ', '\t']) < 0 && TrySplit(e, out var host, out var port)
            && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6)
            return (host, port);
        throw new DashboardStartException(
            $"allowed host '{entry}' is not valid: give a host name or address with an optional port, e.g. " +
            "trainer.example.com, 10.0.0.5:5088 or localhost:8080 (an IPv6 address in brackets, [fd00::5]:5088); no scheme, path or '*'");
    }

    // "name", "name:port", "[v6]", "[v6]:port"; a bare IPv6 address (several colons, no brackets) is not an authority.
    private static bool TrySplit(string authority, out string host, out int? port)
    {
        port = null;
        int portStart; // index of the ':' before the port, or -1
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            host = close < 0 ? "" : authority[..(close + 1)];
            if (close < 0 || (close + 1 < authority.Length && authority[close + 1] != ':')) return false;
            portStart = close + 1 < authority.Length ? close + 1 : -1;
        }
        else
        {
            portStart = authority.IndexOf(':');
            if (portStart != authority.LastIndexOf(':')) { host = ""; return false; }
            host = portStart < 0 ? authority : authority[..portStart];
        }
        host = host.ToLowerInvariant();
        if (host.Length == 0) return false;
        if (portStart < 0) return true;
        if (!int.TryParse(authority.AsSpan(portStart + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            return false;
        port = p;
        return true;
    }

    private static int DefaultPort(string scheme) => scheme == "https" ? 443 : 80;

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    // Only the form a browser itself writes (127.0.0.1, [fd00::5]): odd spellings such as "2130706433" or
    // "127.1" are refused rather than interpreted.
    private static bool IsCanonicalAddressLiteral(string host)
    {
        var bracketed = host.StartsWith('[');
        if (!IPAddress.TryParse(bracketed ? host.Trim('[', ']') : host, out var ip)) return false;
        return bracketed
            ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && $"[{ip}]" == host
            : ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.ToString() == host;
    }
}
