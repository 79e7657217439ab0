using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Pool;

/// <summary>
/// A RunnerPool of a run with min-runners: joining hosts hear the run is Starting, and their runners get weights but
/// no Resume until the Controller resumes the pool. Probes play the Controller, a runner node and its runner.
/// </summary>
public sealed class MinRunnersPoolProtocolTests : TestKit
{
    public MinRunnersPoolProtocolTests() : base(TrainingHocon.Config) { }

    [Fact]
    public void Runners_that_join_before_the_run_starts_hold_still_until_the_controller_resumes_the_pool()
    {
        var config = Small.CartPole() with { Runners = 1, EnvsPerRunner = 4, MinRunners = 1 };
        var controller = CreateTestProbe("controller");
        var pool = Sys.ActorOf(Props.Create(() => new RunnerPool(config, 0, CreateTestProbe("replay").Ref, controller.Ref, new TrainingEvents(),
            (_, _) => Props.Empty)), "pool");
        var spec = Small.Setup(config).NetworkSpec;
        pool.Tell(new WeightsUpdated(1, Small.Weights(spec, seed: 1, version: 1)));

        var host = CreateTestProbe("node");
        host.Send(pool, new JoinPool("runner@test", 1));
        Assert.Equal(RunState.Starting, host.ExpectMsg<PoolJoined>().State);
        var runner = CreateTestProbe("runner");
        runner.Send(pool, new RunnerStarted(0));
        runner.FishForMessage<WeightsUpdated>(w => w.Version == 1);
        // The pool reports the runner up (what the Controller's gate counts) after everything it told the runner:
        // once the report is here, a Resume would be in the runner's queue.
        controller.FishForMessage<PoolReport>(r => r.Runners.Any(s => s.Id == 0 && s.Up));
        runner.AssertNoQueued<Resume>("a runner stepped before the run started");

        pool.Tell(new Resume(), controller.Ref);
        runner.FishForMessage<Resume>(_ => true);
    }
}
