namespace ActorTrainer.Training.External;

/// <summary>
/// The ids of the last <see cref="Capacity"/> episodes that ended and left the table, each with whether it expired.
/// A client that calls an episode just after the trainer collected it then hears 409 "has ended" rather than 404
/// "unknown", whatever the timing of the collect. Bounded, so a long run's memory stays flat; thread-safe (request
/// threads read, the actor writes).
/// </summary>
internal sealed class EndedEpisodeIds(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, bool> _expired = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be positive");

    public void Add(string id, bool expired)
    {
        lock (_gate)
        {
            if (!_expired.TryAdd(id, expired)) return;
            _order.Enqueue(id);
            if (_order.Count > Capacity) _expired.Remove(_order.Dequeue());
        }
    }

    /// <summary>Whether <paramref name="id"/> ended recently, and if so whether it expired (idle too long).</summary>
    public bool TryGet(string id, out bool expired)
    {
        lock (_gate) return _expired.TryGetValue(id, out expired);
    }
}
