using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Training.Tests.Runners;

/// <summary>
/// Runners' recorders feed one <see cref="StreamReplay"/> through <see cref="ExperienceIngest"/>, and every sampled row
/// must be exactly the n-step transition the reference <see cref="NStepAccumulator"/> (which copies both observations)
/// makes from the same steps: across ring wrap-around, terminations, truncations and interleaved runners.
/// </summary>
public sealed class ExperienceRecorderTests
{
    private const int Obs = 3;
    private const int Actions = 2;
    private const int Envs = 2;
    private const int N = 3;
    private const float Gamma = 0.9f;

    private sealed record Expected(int Action, float Return, float NextId, float Discount);

    // Keeps what the reference accumulator emits, keyed by the id of the observation the transition starts from.
    private sealed class ReferenceSink : ITransitionSink
    {
        public Dictionary<float, Expected> ByObservation { get; } = [];

        public void Add(in NStepTransition t) =>
            ByObservation[t.Observation[0]] = new Expected(t.Action, t.Return, t.NextObservation[0], t.Terminated ? 0f : t.Discount);
    }

    private sealed class ScriptedRunner
    {
        private readonly int _id;
        private readonly Random _rng;
        private readonly NStepAccumulator[] _reference = new NStepAccumulator[Envs];
        private readonly float[] _current = new float[Envs * Obs];
        private float _nextId;

        public ScriptedRunner(int id, QNetwork policy, ReferenceSink sink)
        {
            _id = id;
            _rng = new Random(100 + id);
            Sink = sink;
            _nextId = id * 1_000_000 + 1;
            Recorder = new ExperienceRecorder(id, policy.Spec, Envs, N, Gamma, batchSize: 8, policy);
            for (var e = 0; e < Envs; e++)
            {
                _reference[e] = new NStepAccumulator(Obs, N, Gamma);
                NewObservation(e).CopyTo(_current.AsSpan(e * Obs));
            }
            Recorder.Begin(_current);
            ObservationsMade = Envs;
        }

        public ExperienceRecorder Recorder { get; }
        public ReferenceSink Sink { get; }
        public long ObservationsMade { get; private set; }

        private float[] NewObservation(int env) => [_nextId++, _id, env + _rng.NextSingle()];

        /// <summary>One step of every env; returns the batches that filled up.</summary>
        public IEnumerable<ExperienceBatch> Step()
        {
            var batches = new List<ExperienceBatch>();
            for (var e = 0; e < Envs; e++)
            {
                var previous = _current.AsSpan(e * Obs, Obs).ToArray();
                var action = _rng.Next(Actions);
                var reward = (float)Math.Round(_rng.NextDouble() * 4 - 1, 2);
                var roll = _rng.Next(12);
                bool terminated = roll == 0, truncated = roll == 1;
                var final = terminated || truncated ? NewObservation(e) : null;
                var next = NewObservation(e);
                ObservationsMade += final is null ? 1 : 2;
                _reference[e].Push(previous, action, reward, terminated, truncated, final ?? next, Sink);
                Recorder.Record(e, action, reward, terminated, truncated, next, final);
                next.CopyTo(_current.AsSpan(e * Obs));
                if (Recorder.IsFull) batches.Add(Recorder.Build());
            }
            return batches;
        }
    }

    private static NetworkSpec Spec => new(Obs, Actions, [8], dueling: false);

    [Fact]
    public void Sampled_rows_are_exactly_the_reference_n_step_transitions_of_interleaved_runners()
    {
        var policy = QNetwork.Create(Spec, seed: 3);
        var sink = new ReferenceSink();
        var runners = new[] { new ScriptedRunner(0, policy, sink), new ScriptedRunner(1, policy, sink) };
        const int capacity = 96;
        var replay = new StreamReplay(Obs, new PrioritizedReplayOptions(capacity), seed: 9);
        var batch = new ReplayBatch(64, Obs);
        var rows = new Dictionary<float, float[]>();
        long observationsSent = 0;
        var sampledTerminal = 0;
        var sampledTruncatedEnd = 0;

        for (var step = 0; step < 400; step++)
        {
            // Both runners step; their batches reach the replay interleaved, as from two actors.
            foreach (var b in runners.SelectMany(r => r.Step()).ToList())
            {
                observationsSent += b.ObservationCount;
                for (var i = 0; i < b.ObservationCount; i++)
                    rows[b.Observations[i * Obs]] = b.Observations.AsSpan(i * Obs, Obs).ToArray();
                AssertPrioritiesAreApexTdErrors(b, policy, rows);
                Assert.Null(b.Validate(Obs, Actions));
                ExperienceIngest.Store(replay, b);
            }
            if (replay.Count == 0) continue;
            replay.SampleBatch(batch, 64);
            for (var i = 0; i < batch.Count; i++)
            {
                var id = batch.Observations[i * Obs];
                Assert.True(sink.ByObservation.TryGetValue(id, out var expected), $"sampled observation {id} starts no reference transition");
                Assert.Equal(rows[id], batch.Observations.AsSpan(i * Obs, Obs).ToArray());
                Assert.Equal(rows[expected.NextId], batch.NextObservations.AsSpan(i * Obs, Obs).ToArray());
                Assert.Equal(expected.Action, batch.Actions[i]);
                Assert.Equal(expected.Return, batch.Returns[i], 5);
                Assert.Equal(expected.Discount, batch.Discounts[i], 6);
                Assert.Equal(expected.Discount == 0, batch.Terminated[i]);
                if (expected.Discount == 0) sampledTerminal++;
                else if (expected.Discount > Gamma * Gamma * Gamma + 1e-6) sampledTruncatedEnd++; // fewer than n steps, bootstrapping
            }
        }

        Assert.True(replay.ObservationsAdded > 10 * capacity, "the ring must have wrapped many times");
        Assert.Equal(0, replay.Dropped);
        Assert.True(sampledTerminal > 0 && sampledTruncatedEnd > 0, $"both episode ends must be sampled ({sampledTerminal} terminal, {sampledTruncatedEnd} truncated)");
        // Each observation an env wrote went into exactly one batch row: sent once, stored once.
        var unsent = runners.Sum(r => (long)r.Recorder.ObservationCount);
        Assert.Equal(runners.Sum(r => r.ObservationsMade), observationsSent + unsent);
        // Each batch was released after storing, so a recorder reuses its arrays instead of allocating per batch.
        Assert.All(runners, r => Assert.Equal(2, r.Recorder.ArraySetsAllocated));
    }

    // Ape-X initial priority: |R + γᵏ·Q(s', argmax) − Q(s, a)| under the acting policy (0 bootstrap after a termination).
    private static void AssertPrioritiesAreApexTdErrors(ExperienceBatch b, QNetwork policy, Dictionary<float, float[]> rows)
    {
        var q = new float[Actions];
        for (var i = 0; i < b.Count; i++)
        {
            var from = RowAt(b, b.From[i], rows);
            var to = RowAt(b, b.To[i], rows);
            policy.Forward(from, q);
            var predicted = q[b.Actions[i]];
            policy.Forward(to, q);
            var target = b.Returns[i] + (b.Discounts[i] > 0 ? b.Discounts[i] * q[QNetwork.ArgmaxOf(q)] : 0f);
            Assert.Equal(MathF.Abs(target - predicted), b.Priorities[i], 4);
        }
    }

    // The row of a stream position: in this batch, or (by id) in an earlier one of the same runner.
    private static float[] RowAt(ExperienceBatch b, long position, Dictionary<float, float[]> rows)
    {
        var offset = position - b.FirstObservation;
        if (offset >= 0) return b.Observations.AsSpan((int)offset * Obs, Obs).ToArray();
        // Ids are consecutive per runner in recording order, and position p of runner r is id r·10⁶ + 1 + p.
        return rows[b.RunnerId * 1_000_000 + 1 + position];
    }

    [Fact]
    public void A_new_weights_version_does_not_cut_the_batch_being_filled()
    {
        var runner = new ScriptedRunner(0, QNetwork.Create(Spec, seed: 4), new ReferenceSink());
        runner.Recorder.WeightsVersion = 3;
        var batches = new List<ExperienceBatch>();
        while (batches.Count == 0) batches.AddRange(runner.Step());
        // The next batch has begun under version 3 when version 7 arrives; it fills up and keeps 3.
        while (runner.Recorder.Count == 0) batches.AddRange(runner.Step());
        runner.Recorder.WeightsVersion = 7;
        while (batches.Count < 4) batches.AddRange(runner.Step());

        Assert.All(batches, b => Assert.True(b.Count >= 8 || b.ObservationCount >= 8, $"a batch of {b.Count} transitions and {b.ObservationCount} observations was cut short"));
        Assert.Equal([3, 3, 7, 7], batches.Take(4).Select(b => b.WeightsVersion));
    }

    [Fact]
    public void Bad_steps_are_refused_with_what_is_allowed()
    {
        var policy = QNetwork.Create(Spec, seed: 1);
        var recorder = new ExperienceRecorder(0, Spec, Envs, N, Gamma, 8, policy);
        Assert.Contains("2 rows of 3", Assert.Throws<ArgumentException>(() => recorder.Begin(new float[5])).Message);
        recorder.Begin(new float[Envs * Obs]);
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Record(2, 0, 0f, false, false, new float[Obs], default)).Message);
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Record(0, 5, 0f, false, false, new float[Obs], default)).Message);
        Assert.Contains("final observation", Assert.Throws<ArgumentException>(() => recorder.Record(0, 1, 0f, true, false, new float[Obs], default)).Message);
        var empty = new ExperienceRecorder(0, Spec, Envs, N, Gamma, 8, policy);
        Assert.Contains("no observation", Assert.Throws<InvalidOperationException>(() => empty.Build()).Message);
    }
}
