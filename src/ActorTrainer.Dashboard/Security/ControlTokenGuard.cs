using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// Checks the bearer token of /api and /ws requests. Tokens are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length of the secret
/// leaks through response timing. The token itself is never logged or echoed.
/// </summary>
internal sealed class ControlTokenGuard
{
    /// <summary>WebSocket subprotocol prefix carrying the token (browsers cannot set headers on a WebSocket).</summary>
    public const string SubprotocolPrefix = "bearer.";

    /// <summary>The subprotocol the server selects when a client offers it alongside the token.</summary>
    public const string Subprotocol = "actortrainer";

    private readonly byte[]? _digest;

    public ControlTokenGuard(string? token)
    {
        _digest = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool Required => _digest is not null;

    public bool IsAuthorized(HttpRequest request)
    {
        if (_digest is null) return true;
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(auth.AsSpan(7).Trim()))
            return true;
        if (!request.Path.StartsWithSegments("/ws")) return false;
        if (request.Query.TryGetValue("token", out var q) && q.Count == 1 && Matches(q[0]))
            return true;
        foreach (var header in request.Headers.SecWebSocketProtocol)
        {
            if (header is null) continue;
            foreach (var proto in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (proto.StartsWith(SubprotocolPrefix, StringComparison.Ordinal) && Matches(proto.AsSpan(SubprotocolPrefix.Length)))
                    return true;
            }
        }
        return false;
    }

    private bool Matches(ReadOnlySpan<char> candidate)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(candidate.ToString()), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
