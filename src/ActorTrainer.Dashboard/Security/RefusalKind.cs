namespace ActorTrainer.Dashboard.Security;

/// <summary>The rules a request can be refused by, in the order they are checked.</summary>
internal enum RefusalKind
{
    WrongHost,
    ForeignOrigin,
    TokenInUrl,
    Unauthorized,
    UnsupportedMediaType,
    WebSocketFull,
}
