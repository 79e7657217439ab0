namespace ActorTrainer.Training.External;

/// <summary>
/// Counts how often the gate allowed what the policy proposed. Thread-safe (Interlocked). A falling rate shows the
/// policy drifting from the game's rules.
/// </summary>
public sealed class GateAgreement
{
    private long _checked;
    private long _allowed;

    public long Checked => Interlocked.Read(ref _checked);
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Allowed / checked, or null before the first check.</summary>
    public double? Rate
    {
        get
        {
            var c = Checked;
            return c == 0 ? null : (double)Allowed / c;
        }
    }

    public void Record(bool allowed)
    {
        Interlocked.Increment(ref _checked);
        if (allowed) Interlocked.Increment(ref _allowed);
    }
}
