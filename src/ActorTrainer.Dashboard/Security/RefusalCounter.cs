namespace ActorTrainer.Dashboard.Security;

/// <summary>Counts refusals by <see cref="RefusalKind"/>; thread-safe, allocation-free on the request path.</summary>
internal sealed class RefusalCounter
{
    private readonly long[] _counts = new long[Enum.GetValues<RefusalKind>().Length];

    /// <summary>Counts one refusal; true when it is the first of its kind (the one worth a warning in the log).</summary>
    public bool Count(RefusalKind kind) => Interlocked.Increment(ref _counts[(int)kind]) == 1;

    public RefusalCounts Snapshot() => new(
        Read(RefusalKind.WrongHost), Read(RefusalKind.ForeignOrigin), Read(RefusalKind.TokenInUrl),
        Read(RefusalKind.Unauthorized), Read(RefusalKind.UnsupportedMediaType), Read(RefusalKind.WebSocketFull));

    private long Read(RefusalKind kind) => Interlocked.Read(ref _counts[(int)kind]);
}
