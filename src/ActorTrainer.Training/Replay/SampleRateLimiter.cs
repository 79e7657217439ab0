namespace ActorTrainer.Training.Replay;

/// <summary>
/// Holds the ratio of sampled to inserted transitions near a target, the way DeepMind's Reverb does with
/// SampleToInsertRatio: the learner may sample while it is not ahead of the target by more than a tolerance,
/// and inserts are acknowledged (so runners may send more) while they are not ahead by more than the tolerance.
/// With the ratio held, learning proceeds the same whether 2 or 200 cores produce experience.
/// Not thread-safe: the ReplayBuffer actor owns it.
/// </summary>
public sealed class SampleRateLimiter
{
    private readonly double _ratio;
    private readonly int _minSize;
    private readonly int _sampleBatch;
    private double _tolerance;
    private int _insertBatch;

    /// <param name="samplesPerInsert">Target samples per inserted transition.</param>
    /// <param name="minSize">Inserted transitions required before the first sample.</param>
    /// <param name="sampleBatch">Transitions per sample request.</param>
    /// <param name="insertBatch">Transitions per insert.</param>
    public SampleRateLimiter(double samplesPerInsert, int minSize, int sampleBatch, int insertBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplesPerInsert);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(insertBatch);
        _ratio = samplesPerInsert;
        _minSize = minSize;
        _sampleBatch = sampleBatch;
        SetInsertBatch(insertBatch);
    }

    // Both sides must be able to move from any state: a gap of one sample batch plus one insert batch
    // (in samples) is the least that guarantees it; twice that absorbs uneven batch arrival.
    private void SetInsertBatch(int insertBatch)
    {
        _insertBatch = insertBatch;
        _tolerance = 2.0 * (_sampleBatch + _ratio * insertBatch);
    }

    public long Inserted { get; private set; }
    public long Sampled { get; private set; }

    /// <summary>How far sampling is behind the target, in samples (negative: ahead).</summary>
    public double Lag => _ratio * Math.Max(0, Inserted - _minSize) - Sampled;

    public bool CanSample(int count) => Inserted >= _minSize && (Lag - count >= -_tolerance || PaceCredit >= count);

    /// <summary>Samples allowed beyond the ratio by the min-updates-per-second pace (<see cref="AddPaceCredit"/>).</summary>
    public double PaceCredit { get; private set; }

    /// <summary>
    /// Grants the learner <paramref name="samples"/> more samples beyond the ratio (the min-updates-per-second pace, so
    /// training goes on between slow observations), capped at <paramref name="cap"/> so idle time never saves up a burst.
    /// </summary>
    public void AddPaceCredit(double samples, double cap) => PaceCredit = Math.Min(cap, PaceCredit + samples);

    /// <summary>True while producers may keep inserting without outrunning the learner.</summary>
    public bool InsertsWelcome => Inserted < _minSize || Lag <= _tolerance;

    /// <summary>Counts an insert. A batch larger than the expected one (runner nodes send larger batches) widens the
    /// tolerance to match, so a single insert can never lock out both sides.</summary>
    public void OnInserted(int count)
    {
        Inserted += count;
        if (count > _insertBatch) SetInsertBatch(count);
    }

    public void OnSampled(int count)
    {
        // Samples the ratio would not have allowed are paid from the pace credit.
        if (Lag < -_tolerance + count) PaceCredit = Math.Max(0, PaceCredit - count);
        Sampled += count;
    }

    /// <summary>Restores counters from a checkpoint.</summary>
    public void Restore(long inserted, long sampled)
    {
        Inserted = inserted;
        Sampled = sampled;
    }
}
