using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Dqn;

public class AllocationTests
{
    [Fact]
    public void Hot_paths_allocate_nothing_after_warm_up()
    {
        var spec = new NetworkSpec(4, 2, [64, 64], dueling: true);
        var trainer = new DoubleDqnTrainer(spec, new DqnTrainerOptions { MaxBatch = 32, TargetSyncInterval = 2 }, seed: 1);
        var replay = new PrioritizedReplay(4, new PrioritizedReplayOptions(256), seed: 2);
        var nstep = new NStepAccumulator(4, 3, 0.99f);
        var batch = new ReplayBatch(32, 4);
        var td = new float[32];
        var obs = new float[] { 0.1f, 0.2f, 0.3f, 0.4f };
        var next = new float[] { 0.2f, 0.3f, 0.4f, 0.5f };
        var q = new float[2];

        void Round(int i)
        {
            nstep.Push(obs, i % 2, 1f, terminated: i % 50 == 49, truncated: false, next, replay);
            trainer.Online.Forward(obs, q);
            replay.SampleBatch(batch, 32);
            trainer.TrainStep(batch, td);
            replay.UpdatePriorities(batch.Indices.AsSpan(0, 32), td.AsSpan(0, 32));
        }

        for (var i = 0; i < 8; i++) replay.Add(new NStepTransition(obs, i % 2, 1f, next, false, 3, 0.97f));
        for (var i = 0; i < 200; i++) Round(i);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 200; i < 400; i++) Round(i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
