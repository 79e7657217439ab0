namespace ActorTrainer.Actors;

/// <summary>Mailbox shape: unbounded (default) or bounded with an explicit full mode.</summary>
public sealed record MailboxOptions
{
    private MailboxOptions(int? capacity, MailboxFullMode fullMode)
    {
        Capacity = capacity;
        FullMode = fullMode;
    }

    /// <summary>Null for unbounded.</summary>
    public int? Capacity { get; }

    public MailboxFullMode FullMode { get; }

    public static MailboxOptions Unbounded { get; } = new(null, MailboxFullMode.Wait);

    public static MailboxOptions Bounded(int capacity, MailboxFullMode fullMode)
    {
        if (capacity < 1)
            throw new ArgumentException($"bounded mailbox capacity must be at least 1, got {capacity}", nameof(capacity));
        if (!Enum.IsDefined(fullMode))
            throw new ArgumentException($"unknown full mode {fullMode}; use DropOldest or Wait", nameof(fullMode));
        return new MailboxOptions(capacity, fullMode);
    }

    public override string ToString() => Capacity is null ? "Unbounded" : $"Bounded({Capacity}, {FullMode})";
}
