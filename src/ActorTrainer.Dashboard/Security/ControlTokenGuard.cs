using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// Checks the bearer token of /api and /ws requests. Tokens are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length of the secret
/// leaks through response timing. The token itself is never logged or echoed, and never read from a URL: URLs end
/// up in proxy logs, browser history and Referer headers.
/// </summary>
internal sealed class ControlTokenGuard
{
    /// <summary>WebSocket subprotocol prefix carrying the token as is (browsers cannot set headers on a WebSocket).</summary>
    public const string SubprotocolPrefix = "bearer.";

    /// <summary>
    /// WebSocket subprotocol prefix carrying the token as unpadded base64url of its UTF-8 bytes: a subprotocol may only
    /// hold HTTP token characters, and a token such as "a/b=" has others.
    /// </summary>
    public const string EncodedSubprotocolPrefix = "bearer64.";

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
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(Encoding.UTF8.GetBytes(auth.AsSpan(7).Trim().ToString())))
            return true;
        if (!request.Path.StartsWithSegments("/ws")) return false;
        foreach (var header in request.Headers.SecWebSocketProtocol)
        {
            if (header is null) continue;
            foreach (var proto in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (proto.StartsWith(SubprotocolPrefix, StringComparison.Ordinal)
                    && Matches(Encoding.UTF8.GetBytes(proto[SubprotocolPrefix.Length..])))
                    return true;
                if (proto.StartsWith(EncodedSubprotocolPrefix, StringComparison.Ordinal)
                    && TryDecode(proto[EncodedSubprotocolPrefix.Length..], out var bytes) && Matches(bytes))
                    return true;
            }
        }
        return false;
    }

    private static bool TryDecode(string base64Url, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(base64Url)) return false;
        bytes = Base64Url.DecodeFromChars(base64Url);
        return true;
    }

    private bool Matches(ReadOnlySpan<byte> candidate)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(candidate, digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
