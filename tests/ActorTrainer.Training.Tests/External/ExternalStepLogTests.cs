using ActorTrainer.Training.External;

namespace ActorTrainer.Training.Tests.External;

/// <summary>Delayed rewards, n-step returns over steps that finish out of order, expiry and the pending bound.</summary>
public sealed class ExternalStepLogTests
{
    private static float[] Obs(float v) => [v, -v];

    [Fact]
    public void A_reward_that_arrives_after_two_further_acts_lands_on_its_own_transition()
    {
        // n = 1 makes each transition's return exactly its own step's reward.
        var log = new ExternalStepLog(2, nSteps: 1, gamma: 0.9, maxRewardDelay: 5, capacity: 16);
        var sink = new RecordingSink();
        var s0 = log.Add(Obs(0), 0, now: 0);
        log.Add(Obs(1), 1, now: 1);
        log.Add(Obs(2), 0, now: 2);
        Assert.True(log.LogReward(7, s0).Ok); // two acts later, for step 0
        Assert.True(log.LogReward(1, null).Ok); // the latest: step 2
        Assert.Equal(0, log.Collect(now: 4.9, sink)); // step 0 is still open (taken at 0, delay 5)
        Assert.Equal(1, log.Collect(now: 5.0, sink));
        var t = Assert.Single(sink.Items);
        Assert.Equal(Obs(0), t.Obs);
        Assert.Equal(7f, t.Return);
        Assert.Equal(Obs(1), t.Next);
        Assert.Equal(0.9f, t.Discount, 5);

        Assert.Equal(1, log.Collect(now: 6.0, sink)); // step 1: its reward window closed at 6
        Assert.Equal(0f, sink.Items[1].Return);
        var late = log.LogReward(3, s0);
        Assert.Equal(ExternalErrorKind.Conflict, late.Kind);
        Assert.Contains("already final", late.Error);
        Assert.Equal("step", late.Field);
    }

    [Fact]
    public void N_step_returns_are_right_when_rewards_arrive_out_of_order()
    {
        var log = new ExternalStepLog(2, nSteps: 3, gamma: 0.5, maxRewardDelay: 10, capacity: 16);
        var sink = new RecordingSink();
        for (var i = 0; i < 5; i++) log.Add(Obs(i), i % 2, now: i);
        // Rewards 1, 2, 4, 8, 16 for steps 0..4, logged in the order 3, 0, 4, 2, 1 (and step 2's in two parts).
        Assert.True(log.LogReward(8, 3).Ok);
        Assert.True(log.LogReward(1, 0).Ok);
        Assert.True(log.LogReward(16, 4).Ok);
        Assert.True(log.LogReward(3, 2).Ok);
        Assert.True(log.LogReward(1, 2).Ok);
        Assert.True(log.LogReward(2, 1).Ok);
        log.End(Obs(5), terminated: true);
        Assert.Equal(0, log.Collect(now: 9, sink)); // nothing final yet
        Assert.Equal(5, log.Collect(now: 100, sink));
        var byObs = sink.Items.ToDictionary(t => t.Obs[0]);
        Assert.Equal(1 + 0.5f * 2 + 0.25f * 4, byObs[0].Return, 5);
        Assert.Equal(Obs(3), byObs[0].Next);
        Assert.False(byObs[0].Terminated);
        Assert.Equal(2 + 0.5f * 4 + 0.25f * 8, byObs[1].Return, 5);
        Assert.Equal(4 + 0.5f * 8 + 0.25f * 16, byObs[2].Return, 5);
        Assert.Equal(Obs(5), byObs[2].Next);
        Assert.Equal(8 + 0.5f * 16, byObs[3].Return, 5); // the episode terminated inside its window: 2 rewards, no bootstrap
        Assert.True(byObs[3].Terminated);
        Assert.Equal(2, byObs[3].Steps);
        Assert.Equal(16f, byObs[4].Return);
        Assert.Equal(31.0, log.Return);
        Assert.True(log.Finished);
    }

    [Fact]
    public void A_step_waits_for_the_later_steps_of_its_window_even_when_it_is_final_itself()
    {
        // Step 0 is final but step 1 (inside its window) is not, so step 0 waits although its own reward is settled.
        var log = new ExternalStepLog(2, nSteps: 2, gamma: 1, maxRewardDelay: 3, capacity: 16);
        var sink = new RecordingSink();
        log.Add(Obs(0), 0, 0);
        log.Add(Obs(1), 0, 2);
        log.Add(Obs(2), 0, 4);
        log.LogReward(1, 0);
        Assert.Equal(0, log.Collect(3.5, sink)); // step 0 final (0 + 3), step 1 not (2 + 3)
        log.LogReward(5, 1); // still accepted: step 1 is open
        Assert.Equal(1, log.Collect(5, sink));
        Assert.Equal(6f, sink.Items[0].Return);
        Assert.Equal(Obs(2), sink.Items[0].Next);
    }

    [Fact]
    public void With_no_delay_a_step_takes_rewards_until_the_next_step_and_truncation_bootstraps()
    {
        var log = new ExternalStepLog(2, nSteps: 3, gamma: 0.9, maxRewardDelay: 0, capacity: 16);
        var sink = new RecordingSink();
        log.Add(Obs(0), 1, 0);
        Assert.Equal(0, log.Collect(100, sink)); // the latest step stays open until the next one
        Assert.True(log.LogReward(2, null).Ok);
        log.Add(Obs(1), 0, 0);
        log.Collect(0, sink);
        Assert.Equal(ExternalErrorKind.Conflict, log.LogReward(1, 0).Kind);
        log.End(Obs(2), terminated: false);
        Assert.Equal(2, log.Collect(0, sink));
        var first = sink.Items.Single(t => t.Obs[0] == 0);
        Assert.False(first.Terminated);
        Assert.Equal(2, first.Steps);
        Assert.Equal(0.81f, first.Discount, 5); // truncated: bootstraps from the end observation after 2 steps
        Assert.Equal(Obs(2), first.Next);
    }

    [Fact]
    public void An_expired_episode_drops_only_its_last_step_and_keeps_the_rest()
    {
        var log = new ExternalStepLog(2, nSteps: 1, gamma: 0.9, maxRewardDelay: 0, capacity: 16);
        var sink = new RecordingSink();
        log.Add(Obs(0), 0, 0);
        log.Add(Obs(1), 1, 0);
        log.LogReward(4, null);
        log.Expire();
        Assert.True(log.Ended);
        Assert.False(log.Terminated);
        Assert.Equal(1, log.Collect(0, sink));
        Assert.Equal(Obs(1), sink.Items[0].Next); // step 0 bootstraps from the observation of the dropped last step
        Assert.Equal(1, log.Dropped);
        Assert.Equal(4.0, log.Return);
        Assert.True(log.Finished);
    }

    [Fact]
    public void Pending_steps_are_bounded_and_the_dropped_ones_are_counted()
    {
        var log = new ExternalStepLog(2, nSteps: 1, gamma: 0.9, maxRewardDelay: 1000, capacity: 4);
        var sink = new RecordingSink();
        for (var i = 0; i < 10; i++) log.Add(Obs(i), 0, i);
        Assert.Equal(4, log.Pending);
        Assert.Equal(6, log.Dropped);
        Assert.Equal(ExternalErrorKind.Conflict, log.LogReward(1, 2).Kind); // dropped: final, refused
        log.End(Obs(10), true);
        Assert.Equal(4, log.Collect(2000, sink));
        Assert.Equal([6f, 7f, 8f, 9f], sink.Items.Select(t => t.Obs[0]).Order());
    }

    [Fact]
    public void Rewards_for_unknown_steps_or_before_any_step_are_refused_with_the_allowed_range()
    {
        var log = new ExternalStepLog(2, nSteps: 1, gamma: 0.9, maxRewardDelay: 0, capacity: 4);
        Assert.Equal(ExternalErrorKind.Conflict, log.LogReward(1, null).Kind);
        log.Add(Obs(0), 0, 0);
        var r = log.LogReward(1, 5);
        Assert.Equal(ExternalErrorKind.InvalidArgument, r.Kind);
        Assert.Contains("between 0 and 0", r.Error);
    }
}
