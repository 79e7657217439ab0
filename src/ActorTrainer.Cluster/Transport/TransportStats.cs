namespace ActorTrainer.Cluster.Transport;

/// <summary>Transport-level counters (frame validity lives in <see cref="Wire.WireStats"/>).</summary>
public sealed class TransportStats
{
    private long _published, _nacked, _returned, _republishedAfterDisconnect, _delivered, _handlerFailures, _recoveries, _connectionLosses;

    /// <summary>Publishes the broker confirmed.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publishes the broker nacked (a full experience queue); each was retried after a backoff.</summary>
    public long Nacked => Interlocked.Read(ref _nacked);

    /// <summary>Publishes returned unroutable (queue missing, e.g. after a broker restart); topology was redeclared and the publish retried.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>Publishes retried because the connection or channel was down.</summary>
    public long RetriedAfterDisconnect => Interlocked.Read(ref _republishedAfterDisconnect);

    /// <summary>Valid frames handed to a consumer handler.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Handler calls that threw; the message was dropped (not requeued, so a poison message cannot loop).</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    public long ConnectionLosses => Interlocked.Read(ref _connectionLosses);

    public long Recoveries => Interlocked.Read(ref _recoveries);

    internal void CountPublished() => Interlocked.Increment(ref _published);
    internal void CountNacked() => Interlocked.Increment(ref _nacked);
    internal void CountReturned() => Interlocked.Increment(ref _returned);
    internal void CountRetriedAfterDisconnect() => Interlocked.Increment(ref _republishedAfterDisconnect);
    internal void CountDelivered() => Interlocked.Increment(ref _delivered);
    internal void CountHandlerFailure() => Interlocked.Increment(ref _handlerFailures);
    internal void CountConnectionLoss() => Interlocked.Increment(ref _connectionLosses);
    internal void CountRecovery() => Interlocked.Increment(ref _recoveries);

    public override string ToString() =>
        $"published={Published} nacked={Nacked} returned={Returned} retriedAfterDisconnect={RetriedAfterDisconnect} delivered={Delivered} handlerFailures={HandlerFailures} losses={ConnectionLosses} recoveries={Recoveries}";
}
