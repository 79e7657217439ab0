using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Credits;

/// <summary>A runner node's credit account: what its runners see as acks while the learner's credits come, stop or get lost.</summary>
public sealed class ExperienceCreditsTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(2);
    private readonly RecordingRef _replay = new("replay");
    private long _nowMs = 1_000_000;

    private ExperienceCredits Account(int window) => new(window, _replay, () => _nowMs);

    /// <summary>Batch sizes acknowledged to each runner, in order.</summary>
    private static List<int> Acks(params RecordingRef[] runners) =>
        runners.SelectMany(r => r.Told).Select(t => ((ExperienceAck)t.Message).Count).ToList();

    private static RecordingRef[] Runners(int n) => Enumerable.Range(0, n).Select(i => new RecordingRef($"runner-{i}")).ToArray();

    /// <summary>Submits a batch for each runner (of <paramref name="first"/>, first + 1, ... transitions, so acks are told apart) and confirms its publish.</summary>
    private static void SubmitConfirmed(ExperienceCredits account, RecordingRef[] runners, int first = 1)
    {
        for (int i = 0; i < runners.Length; i++)
        {
            account.Submit(runners[i], first + i);
            account.Confirmed();
        }
    }

    [Fact]
    public void AcksGoAtOnceWithinTheWindowAndWaitBeyondIt()
    {
        var account = Account(window: 4);
        var runners = Runners(6);
        SubmitConfirmed(account, runners);

        Assert.Equal([1, 2, 3, 4], Acks(runners));
        Assert.Empty(runners[4].Told);
        Assert.Empty(runners[5].Told);
        Assert.Equal((4, 2), (account.Outstanding, account.Deferred));
        Assert.All(runners.Take(4), r => Assert.Same(_replay, r.Told.Single().Sender));
    }

    [Fact]
    public void CreditsReleaseWaitingAcksInTheOrderTheirBatchesCame()
    {
        var account = Account(window: 2);
        var runners = Runners(5);
        SubmitConfirmed(account, runners);
        Assert.Equal([1, 2], Acks(runners));

        account.Credit(1);
        Assert.Equal([1, 2, 3], Acks(runners));
        account.Credit(2);
        Assert.Equal([1, 2, 3, 4, 5], Acks(runners));
        Assert.Equal((2, 0), (account.Outstanding, account.Deferred));

        account.Credit(2);
        Assert.Equal(0, account.Outstanding);
    }

    [Fact]
    public void CreditsForBatchesBeforeAResetNeverWidenTheWindow()
    {
        var account = Account(window: 2);
        account.Credit(100); // e.g. a new learner crediting batches the old one had queued
        var runners = Runners(3);
        SubmitConfirmed(account, runners);
        Assert.Equal([1, 2], Acks(runners));
        Assert.Equal(1, account.Deferred);
    }

    [Fact]
    public void ANewLearnerResetsTheAccountAndReleasesWaitingAcks()
    {
        var account = Account(window: 2);
        var runners = Runners(4);
        SubmitConfirmed(account, runners);
        Assert.Equal(2, account.Deferred);

        account.Reset();
        Assert.Equal([1, 2, 3, 4], Acks(runners));
        Assert.Equal((2, 0), (account.Outstanding, account.Deferred));
    }

    [Fact]
    public void APublishThatFailsForGoodReturnsItsCreditLocally()
    {
        var account = Account(window: 1);
        var runners = Runners(2);
        account.Submit(runners[0], 1);
        account.Submit(runners[1], 2);
        Assert.Equal([1], Acks(runners));

        account.Lost(); // batch 1 will never reach the learner
        Assert.Equal([1, 2], Acks(runners));
        Assert.Equal((1, 0, 1), (account.Outstanding, account.Deferred, account.Unconfirmed));
    }

    [Fact]
    public void AcksThatWaitTwoSecondsWithoutACreditResetTheAccountWithOneWarningPerStall()
    {
        var account = Account(window: 1);
        var runners = Runners(3);
        SubmitConfirmed(account, runners[..2]);
        Assert.Equal([1], Acks(runners));

        _nowMs += 1_999;
        Assert.False(account.ResetIfStalled(Stall, out _));
        _nowMs += 1;
        Assert.True(account.ResetIfStalled(Stall, out var first));
        Assert.True(first);
        Assert.Equal([1, 2], Acks(runners));

        // Still no learner: the next wait is another stall of the same episode, reset again without a new warning.
        SubmitConfirmed(account, runners[2..], first: 3);
        Assert.Equal(1, account.Deferred);
        _nowMs += 2_000;
        Assert.True(account.ResetIfStalled(Stall, out first));
        Assert.False(first);
        Assert.Equal([1, 2, 3], Acks(runners));

        // Credits flow again; a later stall warns again.
        account.Credit(1);
        var more = Runners(2);
        SubmitConfirmed(account, more);
        Assert.Equal(1, account.Deferred);
        _nowMs += 2_000;
        Assert.True(account.ResetIfStalled(Stall, out first));
        Assert.True(first);
    }

    [Fact]
    public void NothingIsStalledWhileNoAckWaitsOrWhileTheBrokerHoldsAPublish()
    {
        var account = Account(window: 1);
        var runners = Runners(2);
        account.Submit(runners[0], 1);
        account.Confirmed();
        _nowMs += 60_000; // idle for a minute with a batch outstanding: no runner waits, nothing to reset
        Assert.False(account.ResetIfStalled(Stall, out _));

        account.Submit(runners[1], 2); // the wait starts now, not at the last credit
        Assert.False(account.ResetIfStalled(Stall, out _));
        _nowMs += 2_000;
        // Unconfirmed: the queue is full (no learner consuming) or the broker is away; more acks would only pile up batches.
        Assert.False(account.ResetIfStalled(Stall, out _));
        account.Confirmed();
        Assert.True(account.ResetIfStalled(Stall, out _));
        Assert.Equal([1, 2], Acks(runners));
    }

    [Fact]
    public void RunnersFromManyThreadsGetEveryAckOnceCreditsCoverEveryBatch()
    {
        var account = Account(window: 4);
        var runners = Runners(8);
        const int PerRunner = 500;
        var producers = runners.Select(r => Task.Run(() =>
        {
            for (int i = 0; i < PerRunner; i++)
            {
                account.Submit(r, 1);
                account.Confirmed();
            }
        })).ToArray();
        var creditor = Task.Run(() =>
        {
            for (int credited = 0; credited < runners.Length * PerRunner;)
            {
                if (account.Outstanding == 0) { Thread.Yield(); continue; }
                account.Credit(1);
                credited++;
            }
        });
        Assert.True(Task.WaitAll([.. producers, creditor], TimeSpan.FromSeconds(30)));
        Assert.All(runners, r => Assert.Equal(PerRunner, r.Told.Count));
        Assert.Equal((0, 0, 0), (account.Outstanding, account.Deferred, account.Unconfirmed));
    }
}
