namespace ActorTrainer.Environments;

/// <summary>An environment id that is not registered. The message lists the known ids and the closest one.</summary>
public sealed class UnknownEnvironmentException : ArgumentException
{
    public UnknownEnvironmentException(string id, string? suggestion, IReadOnlyList<string> knownIds)
        : base(BuildMessage(id, suggestion, knownIds))
    {
        RequestedId = id;
        Suggestion = suggestion;
        KnownIds = knownIds;
    }

    public string RequestedId { get; }

    /// <summary>The registered id closest to the request by edit distance, when one is close enough.</summary>
    public string? Suggestion { get; }

    public IReadOnlyList<string> KnownIds { get; }

    private static string BuildMessage(string id, string? suggestion, IReadOnlyList<string> known)
    {
        var hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
        return $"unknown environment id '{id}'.{hint} Known ids: {string.Join(", ", known)}";
    }
}
