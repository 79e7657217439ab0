namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// Where the broker is and how to log in. <see cref="ToString"/> and <see cref="Redacted"/> never contain the
/// password, so an options object is safe to log.
/// </summary>
public sealed record BrokerOptions
{
    /// <summary>Environment variable read when no URL is given, so credentials stay out of process lists.</summary>
    public const string EnvironmentVariable = "ACTORTRAINER_BROKER";

    public required string Host { get; init; }
    public int Port { get; init; } = 5672;
    public string VirtualHost { get; init; } = "/";
    public required string UserName { get; init; }
    public required string Password { get; init; }
    public bool UseTls { get; init; }

    /// <summary>Bound on one TCP connect + AMQP handshake attempt; a silent host never hangs a node.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before <see cref="BrokerConnectionException"/> when the broker is unreachable. Bad credentials are never retried.</summary>
    public int ConnectAttempts { get; init; } = 3;

    /// <summary>Pause between unreachable attempts, and the client's reconnect interval after a connection loss.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The URL with the password replaced by <c>***</c>.</summary>
    public string Redacted
    {
        get
        {
            string vhost = VirtualHost == "/" ? "" : Uri.EscapeDataString(VirtualHost);
            return $"{(UseTls ? "amqps" : "amqp")}://{Uri.EscapeDataString(UserName)}:***@{FormatHost(Host)}:{Port}/{vhost}";
        }
    }

    public override string ToString() => Redacted;

    /// <summary>
    /// Parses <c>amqp://USER:PASS@HOST[:PORT][/VHOST]</c> (or <c>amqps://</c>). User and password are required:
    /// the project never falls back to guest. Percent-escapes in user, password and vhost are decoded.
    /// </summary>
    /// <exception cref="ArgumentException">The URL is malformed; the message says what is allowed (and never echoes the password).</exception>
    public static BrokerOptions Parse(string amqpUrl)
    {
        const string Form = "expected amqp://USER:PASS@HOST[:PORT][/VHOST] or amqps://...";
        if (string.IsNullOrWhiteSpace(amqpUrl))
            throw new ArgumentException($"Broker URL is empty; {Form}.", nameof(amqpUrl));
        if (!Uri.TryCreate(amqpUrl.Trim(), UriKind.Absolute, out var uri))
            throw new ArgumentException($"Broker URL is not a valid URL; {Form}.", nameof(amqpUrl));
        bool tls = uri.Scheme switch
        {
            "amqp" => false,
            "amqps" => true,
            _ => throw new ArgumentException($"Broker URL scheme '{uri.Scheme}' is not supported; {Form}.", nameof(amqpUrl)),
        };
        if (string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"Broker URL has no host; {Form}.", nameof(amqpUrl));
        string userInfo = uri.UserInfo;
        int colon = userInfo.IndexOf(':');
        if (userInfo.Length == 0 || colon <= 0 || colon == userInfo.Length - 1)
            throw new ArgumentException($"Broker URL must carry a user and a password; {Form}.", nameof(amqpUrl));
        string user = Uri.UnescapeDataString(userInfo[..colon]);
        string password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new ArgumentException($"Broker URL query or fragment is not supported; {Form}.", nameof(amqpUrl));

        string path = uri.AbsolutePath;
        string rawVhost = path.Length > 0 ? path[1..] : "";
        if (rawVhost.Contains('/'))
            throw new ArgumentException($"Broker URL path must be a single vhost segment (escape '/' as %2F); {Form}.", nameof(amqpUrl));
        string vhost = rawVhost.Length == 0 ? "/" : Uri.UnescapeDataString(rawVhost);

        int port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port;
        return new BrokerOptions
        {
            Host = uri.Host.Trim('[', ']'),
            Port = port,
            VirtualHost = vhost,
            UserName = user,
            Password = password,
            UseTls = tls,
        };
    }

    /// <summary>
    /// <paramref name="amqpUrl"/> when given, else the <see cref="EnvironmentVariable"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither is set, or the URL is malformed.</exception>
    public static BrokerOptions Resolve(string? amqpUrl)
    {
        if (!string.IsNullOrWhiteSpace(amqpUrl)) return Parse(amqpUrl);
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(fromEnv))
            throw new ArgumentException($"No broker given: pass --broker amqp://USER:PASS@HOST:5672/ or set {EnvironmentVariable}.", nameof(amqpUrl));
        try
        {
            return Parse(fromEnv);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EnvironmentVariable}: {e.Message}", nameof(amqpUrl), e);
        }
    }

    private static string FormatHost(string host) => host.Contains(':') ? $"[{host}]" : host;
}
