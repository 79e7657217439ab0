namespace ActorTrainer.Cluster.Wire;

/// <summary>Header flag bits. Version 1 defines none yet; any set bit is rejected so a newer peer is never misread.</summary>
[Flags]
public enum FrameFlags : byte
{
    None = 0,
}
