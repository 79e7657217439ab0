namespace ActorTrainer.Actors.Tests;

public sealed class BadInputTests : TestKit.TestKit
{
    [Fact]
    public void Null_message_is_an_argument_exception_naming_the_target()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>(), "target");
        var ex = Assert.ThrowsAny<ArgumentException>(() => a.Tell(null!));
        Assert.Contains("null", ex.Message);
        Assert.Contains("/user/target", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => { _ = a.Ask<string>(null!, TimeSpan.FromSeconds(1)); });
    }

    [Theory]
    [InlineData("")]
    [InlineData("$reserved")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("hash#")]
    public void Invalid_actor_names_are_rejected_with_the_rules(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Sys.ActorOf(Props.Create<EchoActor>(), name));
        Assert.Contains($"'{name}'", ex.Message);
        Assert.Contains("letters, digits", ex.Message);
    }

    [Theory]
    [InlineData("runner-1")]
    [InlineData("a_b.c*d$e+f:g@h&i=j,k!l~m'n;o")]
    public void Valid_actor_names_are_accepted(string name)
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>(), name);
        Assert.Equal(name, a.Path.Name);
    }

    [Fact]
    public void Duplicate_child_name_is_rejected_saying_which()
    {
        Sys.ActorOf(Props.Create<EchoActor>(), "twin");
        var ex = Assert.Throws<ArgumentException>(() => Sys.ActorOf(Props.Create<EchoActor>(), "twin"));
        Assert.Contains("'twin'", ex.Message);
        Assert.Contains("not unique", ex.Message);
    }

    [Fact]
    public void Generated_names_are_unique()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>());
        var b = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.NotEqual(a.Path, b.Path);
        Assert.StartsWith("$", a.Path.Name);
    }

    [Fact]
    public void Invalid_system_name_and_bad_options_are_rejected()
    {
        Assert.Contains("'bad name'", Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name")).Message);
        Assert.Contains("Throughput", Assert.Throws<ArgumentException>(() => ActorSystem.Create("ok", new ActorSystemOptions { Throughput = 0 })).Message);
    }

    [Fact]
    public void Ask_rejects_a_non_positive_timeout()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.Contains("timeout", Assert.Throws<ArgumentException>(() => { _ = a.Ask<string>("x", TimeSpan.Zero); }).Message);
    }

    private sealed class Plain : ActorBase
    {
        protected override void OnReceive(object message) { }
    }

    [Fact]
    public void Constructing_an_actor_directly_is_an_error_that_says_how_to_create_it()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new Plain());
        Assert.Contains("ActorOf", ex.Message);
    }

    [Fact]
    public void Test_time_factor_must_be_a_number_of_at_least_one()
    {
        Assert.Equal(1.0, TestKit.TestKitSettings.ReadTimeFactor(null));
        Assert.Equal(2.5, TestKit.TestKitSettings.ReadTimeFactor("2.5"));
        var ex = Assert.Throws<ArgumentException>(() => TestKit.TestKitSettings.ReadTimeFactor("fast"));
        Assert.Contains("ACTORTRAINER_TEST_TIMEFACTOR", ex.Message);
        Assert.Throws<ArgumentException>(() => TestKit.TestKitSettings.ReadTimeFactor("0.5"));
    }
}
