namespace ActorTrainer.Dashboard.Streaming;

/// <summary>
/// The WebSocket client cap. A slot is taken before the upgrade is accepted and given back when the client's loop
/// ends, so the cap holds even when many upgrades arrive at once.
/// </summary>
internal sealed class ClientSlots
{
    private readonly int _capacity;
    private int _taken;

    public ClientSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Capacity => _capacity;

    public int Taken => Volatile.Read(ref _taken);

    public bool TryTake()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _taken);
            if (taken >= _capacity) return false;
            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken) return true;
        }
    }

    public void Release() => Interlocked.Decrement(ref _taken);
}
