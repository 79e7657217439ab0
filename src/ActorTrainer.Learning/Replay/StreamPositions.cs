namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Where each stream's recent observations went in a <see cref="StreamReplay"/>: per stream, the runs of consecutive
/// positions stored at consecutive global indices. Transitions name observations at most a few batches back, so a
/// handful of runs per stream is enough; older ones are forgotten.
/// </summary>
internal sealed class StreamPositions
{
    // Enough for transitions reaching back n steps over several envs when batches are small; a lookup further back fails
    // and the transition is dropped (and counted) rather than misplaced.
    private const int RunsPerStream = 32;

    private readonly Dictionary<int, Runs> _streams = [];

    public void Append(int stream, long firstPosition, int count, long firstGlobal)
    {
        if (!_streams.TryGetValue(stream, out var runs))
        {
            runs = new Runs();
            _streams.Add(stream, runs);
        }
        runs.Append(firstPosition, count, firstGlobal);
    }

    public bool TryFind(int stream, long position, out long global)
    {
        global = -1;
        return _streams.TryGetValue(stream, out var runs) && runs.TryFind(position, out global);
    }

    public void Clear() => _streams.Clear();

    private sealed class Runs
    {
        private readonly long[] _firstPosition = new long[RunsPerStream];
        private readonly long[] _count = new long[RunsPerStream];
        private readonly long[] _firstGlobal = new long[RunsPerStream];
        private int _newest = -1;
        private int _used;

        public void Append(long firstPosition, int count, long firstGlobal)
        {
            if (_used > 0)
            {
                var end = _firstPosition[_newest] + _count[_newest];
                // A stream numbered back from where it was has restarted: its old positions mean nothing any more.
                if (firstPosition < end) _used = 0;
                else if (firstPosition == end && _firstGlobal[_newest] + _count[_newest] == firstGlobal)
                {
                    _count[_newest] += count; // continues the newest run
                    return;
                }
            }
            _newest = (_newest + 1) % RunsPerStream;
            _firstPosition[_newest] = firstPosition;
            _count[_newest] = count;
            _firstGlobal[_newest] = firstGlobal;
            if (_used < RunsPerStream) _used++;
        }

        public bool TryFind(long position, out long global)
        {
            for (int k = 0, r = _newest; k < _used; k++, r = (r + RunsPerStream - 1) % RunsPerStream)
            {
                var offset = position - _firstPosition[r];
                if (offset >= 0 && offset < _count[r])
                {
                    global = _firstGlobal[r] + offset;
                    return true;
                }
            }
            global = -1;
            return false;
        }
    }
}
