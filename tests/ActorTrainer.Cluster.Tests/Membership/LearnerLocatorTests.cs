using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Membership;
using ActorTrainer.Cluster.Tests.Security;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Cluster.Tests.Membership;

/// <summary>
/// <see cref="LearnerLocator"/> on a real two-node cluster (loopback, no TLS): it waits for the controller to exist,
/// reports it, and reports its loss when the learner node leaves.
/// </summary>
[Collection("akka cluster")]
public sealed class LearnerLocatorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_locator_finds_a_controller_that_starts_late_and_reports_the_learner_leaving()
    {
        var learner = await ClusterTestNode.StartAsync(new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0 });
        try
        {
            await learner.Up.WaitAsync(Bound);
            await using var runner = await ClusterTestNode.StartAsync(new ClusterNodeSettings
            {
                Role = ClusterRoles.Runner,
                Port = 0,
                SeedNodes = [learner.Address.ToString()],
            });
            await runner.Up.WaitAsync(Bound);
            var runnerLog = runner.Events(typeof(Info));
            var inbox = Inbox.Create(runner.System);
            runner.System.ActorOf(LearnerLocator.Props(inbox.Receiver), "learner-locator");

            // The learner is up but has no controller yet: the locator says so and keeps trying.
            await ClusterTestNode.FirstAsync(runnerLog, e => e is Info i && i.Message.ToString()!.Contains("has no /user/controller yet", StringComparison.Ordinal), Bound);
            learner.System.ActorOf(Props.Create(() => new WelcomingController()), "controller");
            var found = Assert.IsType<LearnerFound>(await inbox.ReceiveAsync(Bound));
            Assert.Equal(learner.Address, found.Node);
            Assert.Equal("/user/controller", found.Actor.Path.ToStringWithoutAddress());

            // A graceful stop of the learner node: it leaves, and the runner node hears of it.
            var address = learner.Address;
            await learner.DisposeAsync();
            var lost = Assert.IsType<LearnerLost>(await inbox.ReceiveAsync(Bound));
            Assert.Equal(address, lost.Node);
        }
        finally
        {
            await learner.DisposeAsync();
        }
    }
}
