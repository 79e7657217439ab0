using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.External;

namespace ActorTrainer.Training.Tests.External;

/// <summary>The table's rules: limits, refusals with the field named, gate blending, greedy pinning, expiry.</summary>
public sealed class ExternalEpisodeTableTests
{
    private static readonly NetworkSpec Spec = new(2, 3, [8], false);
    private double _now;

    private ExternalEpisodeTable Table(TrainingConfig? config = null, IActionGate? gate = null)
    {
        var t = new ExternalEpisodeTable(config ?? TrainingDefaults.For(ExternalEnvironment.DefaultId) with { NSteps = 1, MaxExternalEpisodes = 2 }, Spec, gate, () => _now);
        t.PublishWeights(QNetwork.Create(Spec, 1).Snapshot(7));
        return t;
    }

    private sealed class ExpectsTwo : IActionGate
    {
        public GateVerdict Check(ReadOnlySpan<float> observation, int action) => new(true, 2.0);
    }

    [Fact]
    public async Task Act_records_steps_and_answers_the_weights_version()
    {
        var t = Table();
        Assert.True(t.Start(training: true, out var id).Ok);
        var a = await t.ActAsync(id, [0.1f, 0.2f], null);
        Assert.True(a.Result.Ok);
        Assert.Equal(0, a.Result.Value);
        Assert.Equal(7, a.WeightsVersion);
        Assert.InRange(a.Action, 0, 2);
        Assert.Equal(1, (await t.ActAsync(id, [0.1f, 0.2f], null)).Result.Value);
        Assert.Equal(2, t.LogAction(id, [0f, 0f], 2).Value);
    }

    [Fact]
    public async Task Every_refusal_names_its_field_and_what_is_allowed()
    {
        var t = Table();
        t.Start(true, out var id);
        var length = (await t.ActAsync(id, [1f], null)).Result;
        Assert.Equal((ExternalErrorKind.InvalidArgument, "observation"), (length.Kind, length.Field));
        Assert.Contains("must have 2 values, got 1", length.Error);
        var nan = (await t.ActAsync(id, [1f, float.NaN], null)).Result;
        Assert.Contains("observation[1]", nan.Error);
        Assert.Contains("finite", nan.Error);
        var mask = (await t.ActAsync(id, [1f, 2f], [false, false, false])).Result;
        Assert.Equal("action_mask", mask.Field);
        Assert.Contains("at least one action", mask.Error);
        var action = t.LogAction(id, [1f, 2f], 3);
        Assert.Equal("action", action.Field);
        Assert.Contains("between 0 and 2", action.Error);
        Assert.Equal(ExternalErrorKind.UnknownEpisode, (await t.ActAsync("nope", [1f, 2f], null)).Result.Kind);

        Assert.True(t.End(id, [0f, 0f], true).Ok);
        Assert.Equal(ExternalErrorKind.Conflict, (await t.ActAsync(id, [1f, 2f], null)).Result.Kind);
        Assert.Equal(ExternalErrorKind.Conflict, t.End(id, [0f, 0f], true).Kind);
    }

    [Fact]
    public async Task An_ended_episode_stays_409_after_the_trainer_collected_it()
    {
        var t = Table();
        t.Start(true, out var id);
        await t.ActAsync(id, [0f, 1f], null);
        t.End(id, [1f, 1f], true);
        var finished = new List<FinishedEpisode>();
        t.Collect(new RecordingSink(), finished);
        Assert.Single(finished); // gone from the table, remembered as ended

        foreach (var r in new[] { (await t.ActAsync(id, [0f, 1f], null)).Result, t.LogReturns(id, 1, 0), t.LogAction(id, [0f, 0f], 0), t.End(id, [0f, 0f], true) })
        {
            Assert.Equal((ExternalErrorKind.Conflict, "id"), (r.Kind, r.Field));
            Assert.Contains("has ended", r.Error);
            Assert.DoesNotContain("timeout", r.Error);
        }
        Assert.Equal(ExternalErrorKind.UnknownEpisode, t.LogReturns("never-started", 1, null).Kind);
    }

    [Fact]
    public void More_open_episodes_than_the_limit_are_refused_until_one_ends()
    {
        var t = Table();
        Assert.True(t.Start(true, out var first).Ok);
        Assert.True(t.Start(false, out _).Ok);
        var third = t.Start(true, out _);
        Assert.Equal(ExternalErrorKind.TooMany, third.Kind);
        Assert.Contains("max-external-episodes", third.Error);
        t.End(first, [0f, 0f], false);
        Assert.True(t.Start(true, out _).Ok);
    }

    [Fact]
    public async Task The_gate_expected_reward_is_blended_into_the_stored_reward()
    {
        var t = Table(TrainingDefaults.For(ExternalEnvironment.DefaultId) with { NSteps = 1, GateRewardWeight = 0.25 }, new ExpectsTwo());
        t.Start(true, out var id);
        await t.ActAsync(id, [0f, 1f], null);
        t.LogReturns(id, 6.0, null);
        var end = t.End(id, [1f, 1f], true);
        Assert.Equal(6.0, end.Number); // the episode's return is the game's own
        var sink = new RecordingSink();
        t.Collect(sink, []);
        Assert.Equal(0.75 * 6 + 0.25 * 2, Assert.Single(sink.Items).Return, 5);
    }

    [Fact]
    public async Task Greedy_episodes_give_no_experience_and_are_finished_with_their_pinned_weights()
    {
        var t = Table();
        t.Start(false, out var a);
        t.Start(false, out var b);
        await t.ActAsync(a, [0f, 1f], null);
        t.PublishWeights(QNetwork.Create(Spec, 2).Snapshot(8)); // newer weights do not change an evaluation under way
        var second = await t.ActAsync(b, [0f, 1f], null);
        Assert.Equal(7, second.WeightsVersion);
        t.LogReturns(a, 3, null);
        t.End(a, [0f, 0f], true);
        t.End(b, [0f, 0f], true);
        var sink = new RecordingSink();
        var finished = new List<FinishedEpisode>();
        t.Collect(sink, finished);
        Assert.Empty(sink.Items);
        Assert.Equal(2, finished.Count);
        Assert.All(finished, f => Assert.Equal(7, f.Weights!.Version));
        Assert.Equal(3.0, finished.Single(f => f.Return > 0).Return);
    }

    [Fact]
    public async Task An_idle_episode_expires_as_truncated_and_its_data_is_kept()
    {
        var t = Table(TrainingDefaults.For(ExternalEnvironment.DefaultId) with { NSteps = 1, ExternalEpisodeTimeout = 10 });
        t.Start(true, out var id);
        await t.ActAsync(id, [0f, 1f], null);
        await t.ActAsync(id, [0f, 2f], null);
        var sink = new RecordingSink();
        var finished = new List<FinishedEpisode>();
        _now = 5;
        t.Collect(sink, finished);
        Assert.Equal(1, t.Open);
        _now = 20;
        var counters = t.Collect(sink, finished);
        Assert.Equal(0, t.Open);
        Assert.Single(finished);
        Assert.Equal([0f, 1f], Assert.Single(sink.Items).Obs);
        Assert.Equal(1, counters.DroppedSteps);
        var late = (await t.ActAsync(id, [0f, 1f], null)).Result;
        Assert.Equal((ExternalErrorKind.Conflict, "id"), (late.Kind, late.Field));
        Assert.Contains("external-episode-timeout", late.Error);
    }

    [Fact]
    public async Task A_closed_table_refuses_new_work_as_unavailable()
    {
        var t = Table();
        t.Start(true, out var id);
        t.Close("the run is stopping");
        Assert.Equal(ExternalErrorKind.Unavailable, t.Start(true, out _).Kind);
        var act = (await t.ActAsync(id, [0f, 1f], null)).Result;
        Assert.Equal(ExternalErrorKind.Unavailable, act.Kind);
        Assert.Contains("stopping", act.Error);
    }
}
