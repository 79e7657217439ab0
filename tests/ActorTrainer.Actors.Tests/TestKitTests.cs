using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

/// <summary>The TestKit's own failure messages: a failed expectation says what was expected and what arrived.</summary>
public sealed class TestKitTests : TestKit.TestKit
{
    private sealed record Sample(int Value);

    [Fact]
    public void ExpectMsg_of_the_wrong_type_names_both_types_and_the_message()
    {
        TestActor.Tell(new Sample(3));
        var ex = Assert.Throws<ExpectationFailedException>(() => ExpectMsg<string>());
        Assert.Contains("expected String", ex.Message);
        Assert.Contains("Sample", ex.Message);
        Assert.Contains("Value = 3", ex.Message);
    }

    [Fact]
    public void ExpectMsg_timeout_says_nothing_arrived()
    {
        var ex = Assert.Throws<ExpectationFailedException>(() => ExpectMsg<string>(timeout: TimeSpan.FromMilliseconds(50)));
        Assert.Contains("no message arrived", ex.Message);
    }

    [Fact]
    public void ExpectMsg_with_a_value_compares_by_equality()
    {
        TestActor.Tell(new Sample(1));
        ExpectMsg(new Sample(1));
        TestActor.Tell(new Sample(2));
        var ex = Assert.Throws<ExpectationFailedException>(() => ExpectMsg(new Sample(1)));
        Assert.Contains("Value = 2", ex.Message);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_something_arrives()
    {
        TestActor.Tell("surprise");
        var ex = Assert.Throws<ExpectationFailedException>(() => ExpectNoMsg(TimeSpan.FromSeconds(2)));
        Assert.Contains("surprise", ex.Message);
    }

    [Fact]
    public void FishForMessage_skips_others_and_lists_them_when_it_fails()
    {
        TestActor.Tell(1);
        TestActor.Tell("x");
        TestActor.Tell(2);
        Assert.Equal(2, FishForMessage<int>(i => i == 2));
        TestActor.Tell(5);
        var ex = Assert.Throws<ExpectationFailedException>(() => FishForMessage<int>(i => i == 9, TimeSpan.FromSeconds(1)));
        Assert.Contains("Int32 (5)", ex.Message);
    }

    [Fact]
    public void ReceiveN_reports_how_many_arrived()
    {
        TestActor.Tell(1);
        var ex = Assert.Throws<ExpectationFailedException>(() => ReceiveN(2, TimeSpan.FromSeconds(1)));
        Assert.Contains("only 1", ex.Message);
    }

    [Fact]
    public void Within_bounds_the_expectations_inside_it()
    {
        var ex = Assert.Throws<ExpectationFailedException>(() => Within(TimeSpan.FromMilliseconds(100), () => ExpectMsg<int>(timeout: TimeSpan.FromSeconds(30))));
        Assert.Contains("no message arrived", ex.Message);
    }

    [Fact]
    public void AwaitCondition_and_AwaitAssert_retry_until_true_and_report_failure()
    {
        var n = 0;
        AwaitCondition(() => ++n >= 3);
        Assert.True(n >= 3);
        var m = 0;
        AwaitAssert(() => Assert.True(++m >= 3));
        var ex = Assert.Throws<ExpectationFailedException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(50), "never true"));
        Assert.Contains("never true", ex.Message);
    }

    [Fact]
    public void Probes_are_independent_and_can_reply()
    {
        var p1 = CreateTestProbe();
        var p2 = CreateTestProbe();
        p1.Send(p2, "question");
        p2.ExpectMsg("question");
        p2.Reply("answer");
        p1.ExpectMsg("answer");
        Assert.Equal(p2.Ref, p1.LastSender);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }
}
