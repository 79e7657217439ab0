namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// How many requests the dashboard refused since it started, by rule (see docs/dashboard.md). A page of another
/// site probing the dashboard shows up here and, once per rule, in the log.
/// </summary>
/// <param name="WrongHost">421: the Host header named neither a bound address nor an allowed host.</param>
/// <param name="ForeignOrigin">403: a POST or WebSocket upgrade carried an Origin that is not allowed.</param>
/// <param name="TokenInUrl">400: a "token" query parameter was sent to /api or /ws.</param>
/// <param name="Unauthorized">401: the bearer token was missing or wrong.</param>
/// <param name="UnsupportedMediaType">415: a POST body that is not application/json.</param>
/// <param name="WebSocketFull">503: a WebSocket upgrade past the client cap.</param>
public sealed record RefusalCounts(long WrongHost, long ForeignOrigin, long TokenInUrl, long Unauthorized, long UnsupportedMediaType, long WebSocketFull);
