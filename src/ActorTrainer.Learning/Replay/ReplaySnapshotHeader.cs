namespace ActorTrainer.Learning.Replay;

/// <summary>
/// The first fields of a replay snapshot, alike for both replays: magic, format version, capacity and observation
/// size. A snapshot restores only into a replay of the same kind and shape, and says which check failed.
/// </summary>
internal readonly record struct ReplaySnapshotHeader(uint Magic, int Version, string Kind)
{
    public void Write(BinaryWriter w, int capacity, int observationSize)
    {
        w.Write(Magic);
        w.Write(Version);
        w.Write(capacity);
        w.Write(observationSize);
    }

    /// <summary>Reads the header and throws an <see cref="InvalidDataException"/> naming what differs from this replay's.</summary>
    public void Check(BinaryReader r, int capacity, int observationSize)
    {
        if (r.ReadUInt32() != Magic) throw new InvalidDataException($"not a {Kind} snapshot (bad magic)");
        var version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"replay snapshot version {version}; this build reads version {Version}");
        var foundCapacity = r.ReadInt32();
        var foundObs = r.ReadInt32();
        if (foundCapacity != capacity || foundObs != observationSize)
            throw new InvalidDataException($"replay snapshot holds capacity {foundCapacity} with {foundObs} observation values; this replay has capacity {capacity} with {observationSize}");
    }
}
