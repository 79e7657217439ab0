using ActorTrainer.Training.Hosting;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Replay;

public sealed class ReplayBufferProtocolTests : TestKit
{
    private readonly TrainingConfig _config = Small.CartPole() with { MinReplay = 200, BatchSize = 32, ExperienceBatch = 50, SamplesPerInsert = 4 };
    private readonly TrainingSetup _setup;

    public ReplayBufferProtocolTests() : base(TrainingHocon.Config)
    {
        _setup = Small.Setup(_config);
    }

    private NetworkSpec Spec => _setup.NetworkSpec;

    private IActorRef StartReplay(TestProbe controller, TrainingConfig? config = null)
    {
        var c = config ?? _config;
        return Sys.ActorOf(Props.Create(() => new ReplayBuffer(c, _setup, controller)));
    }

    [Fact]
    public void A_sample_request_waits_until_min_replay_transitions_are_stored()
    {
        var controller = CreateTestProbe();
        var replay = StartReplay(controller);
        var learner = CreateTestProbe("learner");
        var runner = CreateTestProbe("runner");

        learner.Send(replay, new SampleRequest(new SampleBuffers(_config.BatchSize, Spec.ObservationSize)));
        for (var i = 0; i < 3; i++)
        {
            runner.Send(replay, Small.Batch(Spec, 50, seed: i));
            Assert.Equal(50, runner.ExpectMsg<ExperienceAck>().Count);
        }
        learner.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // 150 stored < min-replay 200

        runner.Send(replay, Small.Batch(Spec, 50, seed: 3)); // 200 stored
        var ready = learner.ExpectMsg<SampleReady>();
        Assert.Equal(_config.BatchSize, ready.Buffers.Batch.Count);
        Assert.All(ready.Buffers.Batch.Actions.Take(ready.Buffers.Batch.Count), a => Assert.InRange(a, 0, Spec.ActionCount - 1));
    }

    [Fact]
    public void The_rate_limiter_holds_samples_per_insert_through_the_actor_protocol()
    {
        var controller = CreateTestProbe();
        var replay = StartReplay(controller);
        var done = CreateTestProbe("done");
        const int targetSamples = 3_000; // sample requests of 32 -> 96k sampled transitions

        // Both peers are greedy: the producer sends whenever it has credit, the learner asks again at once.
        // Only the ReplayBuffer's rate limiter keeps them apart.
        Sys.ActorOf(Props.Create(() => new GreedyProducer(replay, Spec, _config.ExperienceBatch)), "producer");
        Sys.ActorOf(Props.Create(() => new GreedyLearner(replay, Spec, _config.BatchSize, targetSamples, done)), "learner");
        done.ExpectMsg<LearnerDone>(duration: TimeSpan.FromSeconds(60));

        // The learner stopped asking; the producer must now be held back (its acks withheld), so inserts stop.
        var previous = controller.FishForMessage<ReplayStats>(s => s.Sampled >= targetSamples * (long)_config.BatchSize, TimeSpan.FromSeconds(10));
        var final = controller.ExpectMsg<ReplayStats>(duration: TimeSpan.FromSeconds(5));
        for (var i = 0; i < 5 && final.Inserted != previous.Inserted; i++)
        {
            previous = final;
            final = controller.ExpectMsg<ReplayStats>(duration: TimeSpan.FromSeconds(5));
        }
        Assert.Equal(previous.Inserted, final.Inserted);

        var ratio = final.Sampled / (double)(final.Inserted - _config.MinReplay);
        Assert.InRange(ratio, _config.SamplesPerInsert * 0.97, _config.SamplesPerInsert * 1.03);
        Assert.Equal(0, final.Rejected);
    }

    public static TheoryData<string, Func<NetworkSpec, ExperienceBatch>> MalformedBatches => new()
    {
        { "observation size", s => Small.Batch(s, 10) with { ObservationSize = s.ObservationSize + 1 } },
        { "observations length", s => Small.Batch(s, 10) with { Observations = new float[7] } },
        { "actions length", s => Small.Batch(s, 10) with { Actions = new int[3] } },
        { "action 7", s => WithAction(Small.Batch(s, 10), 7) },
        { "non-finite", s => WithReturn(Small.Batch(s, 10), float.NaN) },
        { "observation count", s => Small.Batch(s, 10) with { ObservationCount = 0 } },
        { "non-finite observation", s => WithObservation(Small.Batch(s, 10), float.NaN) },
        { "goes from observation", s => WithNext(Small.Batch(s, 10), 11) }, // the batch carries observations 0..10
    };

    [Theory]
    [MemberData(nameof(MalformedBatches))]
    public void A_malformed_batch_is_rejected_counted_and_logged_and_the_buffer_keeps_working(string problem, Func<NetworkSpec, ExperienceBatch> make)
    {
        var controller = CreateTestProbe();
        var replay = StartReplay(controller);
        var runner = CreateTestProbe("runner");

        EventFilter.Error(contains: problem).ExpectOne(() => runner.Send(replay, make(Spec)));
        Assert.Equal(0, runner.ExpectMsg<ExperienceAck>().Count);

        // Still alive and storing well-formed experience.
        runner.Send(replay, Small.Batch(Spec, 40));
        Assert.Equal(40, runner.ExpectMsg<ExperienceAck>().Count);
        var stats = controller.FishForMessage<ReplayStats>(s => s.Inserted == 40, TimeSpan.FromSeconds(5));
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(40, stats.Size);
    }

    private static ExperienceBatch WithAction(ExperienceBatch b, int action)
    {
        var actions = (int[])b.Actions.Clone();
        actions[4] = action;
        return b with { Actions = actions };
    }

    private static ExperienceBatch WithObservation(ExperienceBatch b, float value)
    {
        var obs = (float[])b.Observations.Clone();
        obs[5] = value;
        return b with { Observations = obs };
    }

    private static ExperienceBatch WithNext(ExperienceBatch b, long position)
    {
        var to = (long[])b.To.Clone();
        to[^1] = position;
        return b with { To = to };
    }

    private static ExperienceBatch WithReturn(ExperienceBatch b, float value)
    {
        var returns = (float[])b.Returns.Clone();
        returns[2] = value;
        return b with { Returns = returns };
    }

    private sealed record LearnerDone(long Requests);

    private sealed class GreedyProducer : ReceiveActor
    {
        private readonly IActorRef _replay;
        private readonly NetworkSpec _spec;
        private readonly int _batch;
        private int _seed;

        public GreedyProducer(IActorRef replay, NetworkSpec spec, int batch)
        {
            _replay = replay;
            _spec = spec;
            _batch = batch;
            Receive<ExperienceAck>(_ => SendOne());
            ReceiveAny(_ => { });
        }

        protected override void PreStart()
        {
            for (var i = 0; i < EpisodeRunner.MaxBatchesInFlight; i++) SendOne();
        }

        private void SendOne() => _replay.Tell(Small.Batch(_spec, _batch, seed: _seed++ % 16), Self);
    }

    private sealed class GreedyLearner : ReceiveActor
    {
        private readonly IActorRef _replay;
        private readonly SampleBuffers[] _buffers;
        private readonly int _target;
        private readonly IActorRef _done;
        private long _received;

        public GreedyLearner(IActorRef replay, NetworkSpec spec, int batch, int target, IActorRef done)
        {
            _replay = replay;
            _target = target;
            _done = done;
            _buffers = [new SampleBuffers(batch, spec.ObservationSize), new SampleBuffers(batch, spec.ObservationSize)];
            Receive<SampleReady>(m =>
            {
                _received++;
                if (_received == _target) _done.Tell(new LearnerDone(_received), Self);
                if (_received < _target) _replay.Tell(new SampleRequest(m.Buffers), Self);
            });
        }

        protected override void PreStart()
        {
            foreach (var b in _buffers) _replay.Tell(new SampleRequest(b), Self);
        }
    }
}
