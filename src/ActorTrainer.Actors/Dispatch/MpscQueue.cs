using System.Runtime.CompilerServices;

namespace ActorTrainer.Actors;

/// <summary>
/// Unbounded multi-producer single-consumer queue of envelopes: the default mailbox.
/// Why not ConcurrentQueue (which an unbounded single-reader Channel wraps)? Its segments grow to a million
/// slots and are never reused, so it allocates ~24 bytes per message in steady state and promotes to the LOH.
/// Here a producer claims a slot with one XADD (no CAS retry loop under fan-in), segments stay small
/// (at most 1024 slots, never on the LOH) and the consumer hands a drained segment back for reuse, so a
/// steady stream of Tells allocates nothing.
/// </summary>
internal sealed class MpscQueue
{
    private const int InitialSegment = 16;
    private const int MaxSegment = 1024;
    // Parked on a recycled segment so stale producers that still hold it overflow instead of claiming slots.
    private const int Retired = int.MaxValue / 2;

    private Segment _head;   // consumer only
    private int _headIndex;  // consumer only
    private Segment _tail;
    private Segment? _spare;

    public MpscQueue()
    {
        _head = _tail = new Segment(InitialSegment, 0);
    }

    public void Enqueue(object message, IActorRef? sender)
    {
        var spinner = new SpinWait();
        while (true)
        {
            var tail = Volatile.Read(ref _tail);
            var index = Interlocked.Increment(ref tail.EnqueueIndex) - 1;
            var slots = tail.Slots;
            if ((uint)index < (uint)slots.Length)
            {
                slots[index].Sender = sender;
                Volatile.Write(ref slots[index].Message, message);
                return;
            }
            if (index == slots.Length)
            {
                // This producer won the right to append the next segment; it takes slot 0 itself.
                var size = Math.Min(slots.Length * 2, MaxSegment);
                var next = Interlocked.Exchange(ref _spare, null);
                if (next is null || next.Slots.Length != size)
                {
                    next = new Segment(size, 1);
                }
                else
                {
                    next.Next = null;
                }
                next.Slots[0].Sender = sender;
                Volatile.Write(ref next.Slots[0].Message, message);
                if (next.EnqueueIndex != 1) Interlocked.Exchange(ref next.EnqueueIndex, 1);
                Volatile.Write(ref tail.Next, next);
                Volatile.Write(ref _tail, next);
                return;
            }
            // Another producer is appending the next segment: wait for the tail to move.
            while (ReferenceEquals(Volatile.Read(ref _tail), tail)) spinner.SpinOnce(-1);
        }
    }

    /// <summary>Consumer only. False when empty or when the next message is still being written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out object message, out IActorRef? sender)
    {
        var head = _head;
        var index = _headIndex;
        var slots = head.Slots;
        if ((uint)index < (uint)slots.Length)
        {
            var m = Volatile.Read(ref slots[index].Message);
            if (m is not null)
            {
                message = m;
                sender = slots[index].Sender;
                slots[index] = default;
                _headIndex = index + 1;
                return true;
            }
            message = null!;
            sender = null;
            return false;
        }
        return TryDequeueNextSegment(out message, out sender);
    }

    private bool TryDequeueNextSegment(out object message, out IActorRef? sender)
    {
        var next = Volatile.Read(ref _head.Next);
        if (next is null)
        {
            message = null!;
            sender = null;
            return false;
        }
        var old = _head;
        _head = next;
        _headIndex = 0;
        Interlocked.Exchange(ref old.EnqueueIndex, Retired);
        Volatile.Write(ref _spare, old);
        return TryDequeue(out message, out sender);
    }

    /// <summary>Consumer only: true when a completed message is waiting.</summary>
    public bool HasMessages
    {
        get
        {
            var head = _head;
            var index = _headIndex;
            if (index < head.Slots.Length) return Volatile.Read(ref head.Slots[index].Message) is not null;
            var next = Volatile.Read(ref head.Next);
            return next is not null && Volatile.Read(ref next.Slots[0].Message) is not null;
        }
    }

    private sealed class Segment(int size, int enqueueIndex)
    {
        public readonly Envelope[] Slots = new Envelope[size];
        public int EnqueueIndex = enqueueIndex;
        public Segment? Next;
    }
}
